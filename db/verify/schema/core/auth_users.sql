-- Verify platform:schema/core/auth_users on pg

begin;

select id, email, email_skeleton, username, password_hash, created_at, updated_at, password_changed_at
  from auth.users where false;
select user_id, privilege, granted_at from auth.user_privileges where false;
select 1 / (select count(*) from auth.privileges where name = 'admin');
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'auth.users', 'select'))::int;
-- A Cyrillic a and a full-width e are look-alikes of the Latin letters.
select 1 / (auth.email_skeleton(U&'Gr\0430ce@\FF45xample.test') = 'grace@example.test')::int;
select 1 / (auth.normalize_email(U&' \FF47race@example.test ') = 'grace@example.test')::int;

rollback;
