-- Verify platform:functions/core/auth_claims on pg

begin;

select set_config('request.jwt.claims',
  '{"sub": "00000000-0000-0000-0000-000000000001", "privileges": ["reader", "author"]}', true);
select 1 / (auth.uid() = '00000000-0000-0000-0000-000000000001')::int;
select 1 / (auth.has_privilege('author') and not auth.has_privilege('admin'))::int;
select 1 / pg_catalog.has_function_privilege('anon', 'auth.uid()', 'execute')::int;
select 1 / (auth.claims_principal('{"role": "anon"}') = 'anonymous'
            and auth.claims_principal('{"role": "authenticated", "sub": "u1"}') = 'user'
            and auth.claims_principal('{"role": "anon", "sub": "u1"}') = 'invalid')::int;

rollback;
