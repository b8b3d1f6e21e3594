-- Revert platform:schema/publishing/article_pages from pg

begin;

drop view publishing.article_pages;

commit;
