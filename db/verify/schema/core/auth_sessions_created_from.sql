-- Verify platform:schema/core/auth_sessions_created_from on pg

begin;

select created_from from auth.sessions where false;

rollback;
