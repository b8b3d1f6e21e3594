-- Deploy platform:schema/core/auth_audit to pg
-- requires: schema/core/auth_users
-- requires: schema/core/audit_log
--
-- Account changes go to the audit log; password hashes never do (the log
-- still records that password_hash changed).

begin;

set local search_path = '';

select audit.enable('auth.users', '{password_hash}');
select audit.enable('auth.user_privileges');

commit;
