-- Account administration for ops: create, grant, revoke; owner only.
begin;
select plan(9);

select tests.create_user('olga');

select lives_ok($$ select auth.grant_privilege('OLGA@example.test', 'editor') $$,
  'a privilege is granted by email, in any case');
select set_eq($$ select jsonb_array_elements_text(tests.jwt_claims(
                  api.login('olga@example.test', 'correct horse battery staple') ->> 'access_token') -> 'privileges') $$,
  array['editor', 'author', 'reader'], 'the next token carries the granted privilege and what it implies');
select lives_ok($$ select auth.grant_privilege('olga@example.test', 'editor') $$, 'granting twice is harmless');
select throws_like($$ select auth.grant_privilege('olga@example.test', 'overlord') $$,
  '%"code" : "auth.unknown_privilege"%', 'an unknown privilege is refused naming the field');
select throws_like($$ select auth.grant_privilege('nobody@example.test', 'editor') $$,
  '%"code" : "auth.unknown_user"%', 'an unknown email is refused');

select tests.claims_for((select id from auth.users where username::text = 'olga'));
select lives_ok($$ select auth.revoke_privilege('olga@example.test', 'editor') $$, 'a privilege is revoked by email');
select is((select count(*)::int from auth.sessions s join auth.users u on u.id = s.user_id
            where u.username::text = 'olga' and s.revoked_at is null), 0,
  'revoking a privilege ends the user''s sessions so it applies at once');

select tests.act_as(tests.create_user('eve'));
select throws_ok($$ select auth.grant_privilege('eve@example.test', 'admin') $$, '42501', null,
  'a signed-in user cannot grant privileges');
select tests.act_as_owner();
select throws_like($$ select auth.create_user('x@example.test', 'short', 'xavier') $$,
  '%auth.weak_password%', 'ops-created accounts follow the same password rule');

select * from finish();
rollback;
