-- Deploy platform:schema/journal/schemas to pg
-- requires: schema/core/modules
-- requires: schema/core/roles
--
-- The journal module's schemas, and its registration. journal is exposed
-- through PostgREST (Accept-Profile: journal): PostgREST reads the exposed
-- schemas from the registry (platform.exposed_schemas()) after each deploy.
-- journal_private holds what is never exposed (helpers, describe functions).
-- A seed entry point for `inv db.seed`, when the module has one, is the fourth
-- argument of register_module: 'package.module:function'.

begin;

set local search_path = '';
-- Give up rather than queue behind a long transaction; retry the deploy later.
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create schema journal;
comment on schema journal is
  'Exposed (Accept-Profile: journal): the journal module''s tables. RLS everywhere.';
create schema journal_private;
comment on schema journal_private is 'Private to the journal module.';

grant usage on schema journal to anon, authenticated;

select platform.register_module('journal',
  'The journal module: a private per-user diary of Editor.js entries and tags; public entries readable by all.',
  array['journal']);

commit;
