-- Revert platform:schema/publishing/revisions from pg

begin;

drop trigger articles_keep_revision on publishing.articles;
drop function publishing_private.keep_revision();
drop table publishing.article_revisions;

commit;
