-- Deploy platform:schema/publishing/tag_visibility to pg
-- requires: schema/publishing/comment_visibility
--
-- Article tags carry the same copy of their article's visibility as comments
-- (article_visible_from, publishing_private.visible_from): an article page
-- embedding its tags no longer looks the article up once per tag. Copied
-- when a tag is attached (reading the article FOR SHARE), rewritten when the
-- article's status, deleted_at or published_at changes; a derived column
-- for the audit log. Clients cannot write it: no column privilege.

begin;

set local search_path = '';

alter table publishing.article_tags add column article_visible_from timestamptz;
comment on column publishing.article_tags.article_visible_from is
  'Derived: the article''s published_at while it is published and not deleted, else null (kept by triggers).';

-- The same trigger functions as the comments' copy.
create trigger article_tags_article_visibility before insert on publishing.article_tags
  for each row execute function publishing_private.copy_article_visibility();
create trigger articles_tag_visibility after update of status, deleted_at, published_at on publishing.articles
  for each row
  when (publishing_private.visible_from(old) is distinct from publishing_private.visible_from(new))
  execute function publishing_private.sync_article_visibility('publishing.article_tags');

select audit.enable('publishing.article_tags', '{}', '{article_visible_from}');

-- The backfill is derived data: no audit rows for it.
alter table publishing.article_tags disable trigger audit_row;
update publishing.article_tags t set article_visible_from = publishing_private.visible_from(a)
  from publishing.articles a
 where a.id = t.article_id and publishing_private.visible_from(a) is not null;
alter table publishing.article_tags enable trigger audit_row;

commit;
