-- Revert platform:rls/publishing/articles from pg

begin;

select platform.forget_api_function('publishing_private.coauthored_article_ids()');
select platform.forget_api_function('publishing.is_visible(publishing.articles)');
select platform.forget_api_function('publishing_private.own_article_ids()');
select platform.forget_lint_exception('invoker_search_path', 'publishing.is_visible(publishing.articles)');

drop policy "article editors untag articles" on publishing.article_tags;
drop policy "article editors tag articles" on publishing.article_tags;
drop policy "tags are visible with their article" on publishing.article_tags;
drop policy "tags of visible articles are visible" on publishing.article_tags;
drop policy "article editors remove co-authors" on publishing.article_authors;
drop policy "article editors add co-authors" on publishing.article_authors;
drop policy "co-authors are visible with their article" on publishing.article_authors;
drop policy "authors edit unpublished articles they write; editors edit all" on publishing.articles;
drop policy "authors create their own drafts" on publishing.articles;
drop policy "users read visible, own, co-authored or (editors) all articles" on publishing.articles;
drop policy "anyone reads visible articles" on publishing.articles;
revoke all on publishing.articles, publishing.article_authors, publishing.article_tags from anon, authenticated;
revoke execute on function publishing.is_visible(publishing.articles) from anon, authenticated, platform_jobs;
drop function publishing_private.own_article_ids();
drop function publishing_private.coauthored_article_ids();

commit;
