-- Revert platform:schema/publishing/articles from pg

begin;

select platform.forget_api_function('publishing_private.slugify(text)');
select platform.forget_api_function('publishing_private.next_free_slug(text)');
select platform.forget_api_function('publishing_private.visible_from(publishing.articles)');

drop trigger articles_tag_visibility on publishing.articles;
drop table publishing.article_tags;
drop table publishing.article_authors;
drop function publishing_private.sync_article_visibility();
drop function publishing_private.copy_article_visibility();
drop function publishing_private.visible_from(publishing.articles);
drop function publishing.is_visible(publishing.articles);
drop table publishing.articles;
drop function publishing_private.derive_article_columns();
drop function publishing_private.guard_article();
drop function publishing_private.next_free_slug(text);
drop function publishing_private.slugify(text);

commit;
