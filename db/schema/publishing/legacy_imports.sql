-- Deploy platform:schema/publishing/legacy_imports to pg
-- requires: schema/publishing/comments
-- requires: schema/publishing/engagement
-- requires: schema/core/audit_log
--
-- Imports of the legacy Django blog (issue 23; `inv import.blog`, docs/import.md).
--
-- publishing_private.legacy_imports: one row per import: the source file's SHA-256,
-- the options (the policy chosen for each kind of conflict), the counts, the
-- conflicts and how each kind was resolved, who ran it and when; a rollback
-- fills rolled_back_at/rolled_back_by/rollback. Audited (one audit row per
-- import and per rollback: the rows an import loads are not audited one by one).
-- A file is imported at most once while its import stands (a second run of the
-- same file is refused by the unique index, whatever the options).
--
-- publishing_private.legacy_ids: every legacy id and the row it became, per
-- legacy table (blog_customuser -> auth.users.id, blog_category/blog_tag/
-- blog_article/blog_comment -> their bigint ids, blog_article_tags -> the
-- link as '<article id>/<tag id>', blog_sitesetting -> the setting's key). `created` is false where a legacy row was merged into a row
-- already there (an existing tag or category with the same slug, a second
-- account with the same e-mail): rollback leaves those rows. `previous` keeps a
-- replaced site setting's value for rollback. Old /articles/<legacy id> links
-- are redirected through publishing.legacy_article (functions/publishing/legacy_links).
-- Private: no API role reads either table.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table publishing_private.legacy_imports (
  id bigint generated always as identity primary key,
  source_name text not null,
  source_sha256 text not null
    constraint legacy_imports_sha256_format check (source_sha256 ~ '^[0-9a-f]{64}$'),
  options jsonb not null default '{}'
    constraint legacy_imports_options_object check (pg_catalog.jsonb_typeof(options) = 'object'),
  counts jsonb not null default '{}'
    constraint legacy_imports_counts_object check (pg_catalog.jsonb_typeof(counts) = 'object'),
  conflicts jsonb not null default '[]'
    constraint legacy_imports_conflicts_array check (pg_catalog.jsonb_typeof(conflicts) = 'array'),
  imported_by text not null,
  imported_at timestamptz not null default pg_catalog.now(),
  rolled_back_at timestamptz,
  rolled_back_by text,
  rollback jsonb,
  constraint legacy_imports_rollback_complete check (
    (rolled_back_at is null) = (rolled_back_by is null) and (rolled_back_at is null) = (rollback is null))
);
-- a file stands imported at most once
create unique index legacy_imports_source_once on publishing_private.legacy_imports (source_sha256)
  where rolled_back_at is null;
comment on table publishing_private.legacy_imports is
  'Imports of the legacy Django blog (inv import.blog): source SHA-256, options, counts, conflicts, who, when; rollbacks.';
alter table publishing_private.legacy_imports enable row level security;

create table publishing_private.legacy_ids (
  import_id bigint not null references publishing_private.legacy_imports (id) on delete cascade,
  legacy_table text not null
    constraint legacy_ids_table check (legacy_table in
      ('blog_customuser', 'blog_category', 'blog_tag', 'blog_article', 'blog_article_tags',
       'blog_comment', 'blog_sitesetting')),
  legacy_id bigint not null,
  target_id bigint,
  target_uuid uuid,
  target_key text,
  created boolean not null,
  previous jsonb,
  primary key (import_id, legacy_table, legacy_id),
  constraint legacy_ids_one_target check (pg_catalog.num_nonnulls(target_id, target_uuid, target_key) = 1)
);
-- old links: the newest standing import's row for a legacy id
create index legacy_ids_legacy_idx on publishing_private.legacy_ids (legacy_table, legacy_id);
-- rollback and verification: what an import created, per table
create index legacy_ids_target_idx on publishing_private.legacy_ids (import_id, legacy_table, target_id);
comment on table publishing_private.legacy_ids is
  'Every legacy id of an import and the row it became (created false: merged into an existing row).';
alter table publishing_private.legacy_ids enable row level security;

select audit.enable('publishing_private.legacy_imports');

commit;
