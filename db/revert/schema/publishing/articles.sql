-- Revert platform:schema/publishing/articles from pg

begin;

select platform.forget_api_function('publishing_private.slugify(text)');

drop table publishing.article_tags;
drop table publishing.article_authors;
drop function publishing.is_visible(publishing.articles);
drop table publishing.articles;
drop function publishing_private.guard_article();
drop function publishing_private.slugify(text);

commit;
