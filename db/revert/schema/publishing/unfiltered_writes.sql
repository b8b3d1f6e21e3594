-- Revert platform:schema/publishing/unfiltered_writes from pg

begin;

select platform.allow_unfiltered_writes(t)
  from pg_catalog.unnest(array[
    'publishing.articles', 'publishing.article_authors', 'publishing.article_tags',
    'publishing.comments', 'publishing.comment_moderation',
    'publishing.categories', 'publishing.tags', 'publishing.profiles',
    'publishing.article_likes', 'publishing.site_settings'
  ]::pg_catalog.regclass[]) t;

commit;
