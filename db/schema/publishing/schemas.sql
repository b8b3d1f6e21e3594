-- Deploy platform:schema/publishing/schemas to pg
-- requires: schema/core/namespaces
-- requires: schema/core/modules
--
-- The publishing module's exposed schema: clients reach it with PostgREST's
-- `Accept-Profile: publishing` / `Content-Profile: publishing` headers. Every
-- table here carries row-level security; publishing_private holds what is
-- never exposed (materialized analytics).

begin;

set local search_path = '';

create extension unaccent with schema extensions;
create extension pg_trgm with schema extensions;

create schema publishing;
comment on schema publishing is
  'Exposed (Accept-Profile: publishing): articles, comments, categories, tags, profiles. RLS everywhere.';
create schema publishing_private;
comment on schema publishing_private is 'Private to the publishing module: analytics and helpers.';

grant usage on schema publishing to anon, authenticated, platform_jobs;

-- `inv db.seed` runs ops.seed:seed_module (demo users, articles, comments).
select platform.register_module('publishing',
  'Articles, threaded comments, search, revisions and analytics.',
  array['publishing'], 'ops.seed:seed_module');
-- Slugs (unaccent) and typo-tolerant search (pg_trgm) run as the caller.
grant usage on schema extensions to anon, authenticated;
grant execute on all functions in schema extensions to anon, authenticated;

commit;
