-- Deploy platform:schema/publishing/revisions to pg
-- requires: rls/publishing/articles
--
-- Every change to an article's title, excerpt or content keeps the previous
-- text as a revision, with who replaced it and when. Revisions are visible to
-- whoever may see the article's drafts (its authors and editors: the
-- policy asks the articles table, whose own policies apply), and are written
-- only by the trigger. publishing.restore_revision() brings one back, which
-- itself records a revision.

begin;

set local search_path = '';

create table publishing.article_revisions (
  id bigint generated always as identity primary key,
  article_id bigint not null references publishing.articles (id) on delete cascade,
  version integer not null,
  title text not null,
  excerpt text,
  content text not null,
  replaced_by uuid references publishing.profiles (user_id) on delete set null,
  replaced_at timestamptz not null default pg_catalog.now(),
  constraint article_revisions_version_key unique (article_id, version)
);
create index article_revisions_replaced_by_idx on publishing.article_revisions (replaced_by);
comment on table publishing.article_revisions is
  'Previous versions of title/excerpt/content; restore with POST /rpc/restore_revision {revision_id}.';

-- SECURITY DEFINER: API roles cannot insert revisions themselves.
create function publishing_private.keep_revision() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if (new.title, new.excerpt, new.content) is distinct from (old.title, old.excerpt, old.content) then
    insert into publishing.article_revisions (article_id, version, title, excerpt, content, replaced_by)
    values (old.id, old.version, old.title, old.excerpt, old.content, auth.uid());
  end if;
  return null;
end
$$;
create trigger articles_keep_revision after update of title, excerpt, content on publishing.articles
  for each row execute function publishing_private.keep_revision();

alter table publishing.article_revisions enable row level security;
grant select on publishing.article_revisions to authenticated;
create policy "revisions are visible to those who edit the article" on publishing.article_revisions
  for select to authenticated
  using (exists (select from publishing.articles a
                  where a.id = article_id
                    and (a.author_id = (select auth.uid()) or (select auth.has_privilege('editor'))
                         or a.id in (select publishing_private.coauthored_article_ids()))));

commit;
