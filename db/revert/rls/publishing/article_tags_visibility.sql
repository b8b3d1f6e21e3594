-- Revert platform:rls/publishing/article_tags_visibility from pg

begin;

set local search_path = '';

drop policy "tags of visible articles are visible" on publishing.article_tags;
drop policy "tags are visible with their article" on publishing.article_tags;

create policy "tags are visible with their article" on publishing.article_tags
  for select to anon, authenticated
  using (exists (select from publishing.articles a where a.id = article_id));

commit;
