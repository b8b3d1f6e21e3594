-- Revert platform:schema/publishing/tag_visibility from pg

begin;

set local search_path = '';

drop trigger articles_tag_visibility on publishing.articles;
drop trigger article_tags_article_visibility on publishing.article_tags;
create or replace trigger audit_row after insert or update or delete on publishing.article_tags
  for each row execute function audit.capture('{article_id,tag_id}', '{}');
alter table publishing.article_tags drop column article_visible_from;

commit;
