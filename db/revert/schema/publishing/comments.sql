-- Revert platform:schema/publishing/comments from pg

begin;

drop trigger articles_comment_visibility on publishing.articles;
drop table publishing.comment_moderation;
drop table publishing.comments;
drop function publishing_private.count_comments();
drop function publishing_private.capture_comment_origin();
drop function publishing_private.guard_comment();

commit;
