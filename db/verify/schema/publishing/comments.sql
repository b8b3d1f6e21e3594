-- Verify platform:schema/publishing/comments on pg

begin;

select id, article_id, parent_id, author_id, body, depth, status, moderated_by, moderated_at,
       deleted_at, created_at, updated_at, article_visible_from
  from publishing.comments where false;
select comment_id, ip_address, user_agent, moderator_note from publishing.comment_moderation where false;
select 1 / (pg_catalog.count(*) = 2)::int from pg_catalog.pg_trigger
 where tgname in ('comments_article_visibility', 'articles_comment_visibility');

rollback;
