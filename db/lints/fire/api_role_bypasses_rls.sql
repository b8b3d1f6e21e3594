-- A view running as its owner over an RLS table, readable by anon.
-- expect: publishing.lint_fire_articles
create view publishing.lint_fire_articles as select id, title from publishing.articles;
grant select on publishing.lint_fire_articles to anon;
