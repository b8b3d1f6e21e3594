-- Deploy platform:schema/core/modules to pg
-- requires: schema/core/namespaces
--
-- The module registry. A module (core, publishing, journal, ...) registers
-- itself from its own Sqitch changes; nothing in Python or in the core tests
-- lists modules. What a module declares here:
--   platform.modules           its name, the schemas it exposes through PostgREST
--                              (the first registered module's first schema is the
--                              default profile), its seed entry point.
--   platform.api_functions     each function an API role (anon, authenticated)
--                              may run, with the reason: the catalog lints fail
--                              on any executable function nobody declared.
--   platform.lint_exceptions   a catalog lint finding the module accepts, on one
--                              object, with the reason.
-- Scheduled jobs are registered with platform.schedule_job() (schema/core/platform_jobs).
-- Reverts undo their declarations with the matching forget_/unregister_ calls.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table platform.modules (
  name text primary key
    -- a module's name is its schema's name: lower-case identifier
    constraint modules_name_format check (name ~ '^[a-z][a-z0-9_]{0,39}$'),
  description text not null
    constraint modules_description_length check (pg_catalog.length(description) between 1 and 500),
  -- in PostgREST's order: the first module's first schema is the default profile
  ordinal bigint generated always as identity unique,
  exposed_schemas text[] not null default '{}'
    constraint modules_exposed_schemas_format
      check (pg_catalog.array_to_string(exposed_schemas, ',') ~ '^([a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*)?$'),
  -- the Python callable `inv db.seed` runs for this module ("package.module:function"), if any
  seed_entry text
    constraint modules_seed_entry_format check (seed_entry ~ '^[a-z_][a-z0-9_.]*:[a-z_][a-z0-9_]*$'),
  registered_at timestamptz not null default pg_catalog.now()
);
comment on table platform.modules is
  'Registered modules: what each exposes through PostgREST and how it seeds demo data.';
alter table platform.modules enable row level security;

create table platform.api_functions (
  -- as regprocedure prints it ('api.login(text,text)'): text, not regprocedure,
  -- which would stop pg_upgrade and dangle when a rework recreates the function
  signature text primary key,
  module text not null references platform.modules on delete cascade,
  -- the API roles the function is executable by, and no other
  roles text[] not null
    constraint api_functions_roles_known check (roles <@ array['anon', 'authenticated'] and roles <> '{}'),
  reason text not null
    constraint api_functions_reason_given check (pg_catalog.length(pg_catalog.btrim(reason)) between 10 and 500)
);
create index api_functions_module_idx on platform.api_functions (module);
comment on table platform.api_functions is
  'Functions API roles may run, declared by the module that defines them, with the reason.';
alter table platform.api_functions enable row level security;

create table platform.lint_exceptions (
  lint text not null constraint lint_exceptions_lint_format check (lint ~ '^[a-z][a-z0-9_]*$'),
  -- the object as the lint names it (a table, a function signature, a policy...)
  object text not null,
  module text not null references platform.modules on delete cascade,
  reason text not null
    constraint lint_exceptions_reason_given check (pg_catalog.length(pg_catalog.btrim(reason)) between 10 and 500),
  primary key (lint, object)
);
create index lint_exceptions_module_idx on platform.lint_exceptions (module);
comment on table platform.lint_exceptions is
  'Catalog lint findings a module accepts, one object each, with the reason.';
alter table platform.lint_exceptions enable row level security;

create function platform.register_module(
  name text, description text, exposed_schemas text[] default '{}', seed_entry text default null
) returns void
language sql volatile
set search_path = ''
as $$
  insert into platform.modules (name, description, exposed_schemas, seed_entry)
  values (name, description, exposed_schemas, seed_entry)
$$;
comment on function platform.register_module(text, text, text[], text) is
  'Register a module (from its own Sqitch change); its revert calls platform.unregister_module.';

create function platform.unregister_module(name text) returns void
language sql volatile
set search_path = ''
as $$
  delete from platform.modules m where m.name = unregister_module.name
$$;

create function platform.declare_api_function(
  module text, signature regprocedure, roles text[], reason text
) returns void
language sql volatile
set search_path = ''
as $$
  insert into platform.api_functions (signature, module, roles, reason)
  values (signature::text, module, roles, reason)
$$;
comment on function platform.declare_api_function(text, regprocedure, text[], text) is
  'Declare, right under its grant, that API roles may run a function, and why.';

create function platform.forget_api_function(signature regprocedure) returns void
language sql volatile
set search_path = ''
as $$
  delete from platform.api_functions f where f.signature = forget_api_function.signature::text
$$;

create function platform.declare_lint_exception(module text, lint text, object text, reason text)
returns void
language sql volatile
set search_path = ''
as $$
  insert into platform.lint_exceptions (lint, object, module, reason) values (lint, object, module, reason)
$$;

create function platform.forget_lint_exception(lint text, object text) returns void
language sql volatile
set search_path = ''
as $$
  delete from platform.lint_exceptions e
   where e.lint = forget_lint_exception.lint and e.object = forget_lint_exception.object
$$;

-- The schemas PostgREST exposes, in order (the first is the default profile).
create function platform.exposed_schemas() returns text[]
language sql stable
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(s order by m.ordinal, o), '{}')
    from platform.modules m, unnest(m.exposed_schemas) with ordinality as x (s, o)
$$;
comment on function platform.exposed_schemas() is
  'Every registered module''s exposed schemas, in registration order: PostgREST''s db-schemas.';

-- Only the deploying owner registers; nothing here is callable by API roles.
revoke execute on function
  platform.register_module(text, text, text[], text), platform.unregister_module(text),
  platform.declare_api_function(text, regprocedure, text[], text),
  platform.forget_api_function(regprocedure),
  platform.declare_lint_exception(text, text, text, text), platform.forget_lint_exception(text, text),
  platform.exposed_schemas()
  from public;

select platform.register_module('core',
  'Platform core: accounts and sessions (api), audit, change events, jobs, monitoring.',
  array['api']);

commit;
