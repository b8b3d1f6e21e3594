-- Deploy platform:schema/core/namespaces to pg
-- requires: schema/core/roles
--
-- The schemas of the platform core and what each role may look up in them.
--   api         exposed by PostgREST (the default profile): functions only.
--   auth        private: users, sessions, tokens; claim helpers for policies.
--   audit       private: the audit log and its trigger.
--   events      private: the change-event outbox read by the gateway.
--   platform    private: shared helpers (errors).
--   extensions  pgcrypto and citext, out of every exposed schema.
-- EXECUTE on new functions is closed by default for the deploying role:
-- every function grants it explicitly, right under its definition.

begin;

create schema extensions;
create extension pgcrypto with schema extensions;
create extension citext with schema extensions;

create schema api;
comment on schema api is 'Exposed by PostgREST as the default profile: the platform core API.';
create schema auth;
comment on schema auth is 'Private: users, sessions, refresh tokens; claim helpers safe for policies.';
create schema audit;
comment on schema audit is 'Private: append-only audit log written by audit.capture().';
create schema events;
comment on schema events is 'Private: change-event outbox read by the realtime gateway.';
create schema platform;
comment on schema platform is 'Private: helpers shared by every module (error reporting).';

-- Lookup rights only; objects grant their own privileges.
grant usage on schema api to anon, authenticated;
grant usage on schema auth to anon, authenticated, platform_jobs;
grant usage on schema platform to anon, authenticated, platform_jobs;
grant usage on schema events to platform_jobs;

alter default privileges revoke execute on functions from public;

commit;
