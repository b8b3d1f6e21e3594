-- Revert platform:functions/publishing/coauthored_ids from pg

begin;

create or replace function publishing_private.coauthored_article_ids() returns setof bigint
language sql stable
security definer
set search_path = ''
as $$
  select aa.article_id from publishing.article_authors aa where aa.user_id = auth.uid()
$$;

commit;
