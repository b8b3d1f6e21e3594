-- Deploy platform:schema/publishing/article_derived_columns to pg
-- requires: schema/publishing/search_index
-- requires: schema/publishing/article_cards
--
-- publishing.articles.search (the weighted vector: title A, excerpt B,
-- content C) and reading_minutes were generated columns. PostgreSQL never
-- dumps a generated column: a restore computes it again for every row while
-- it copies the table, in one process. At a million articles that is the
-- stemming of every article (about 6 minutes on one core here), so a logical
-- restore could not finish within 5 minutes. Plain columns kept by a BEFORE
-- trigger hold the same values, are dumped, and a restore copies them (the
-- trigger is created after the data, like every trigger pg_restore makes).
--   * The expressions are the generated ones, unchanged; the trigger computes
--     them on every insert and on every update that changes the title, the
--     excerpt or the content, and otherwise keeps the stored values, so a
--     write to the columns themselves never sticks (readers and authors hold
--     no privilege on them anyway).
--   * DROP EXPRESSION keeps the stored values and rewrites nothing: the
--     change takes its lock for an instant.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function publishing_private.derive_article_columns() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.title, new.excerpt, new.content) is not distinct from (old.title, old.excerpt, old.content) then
    new.search := old.search;
    new.reading_minutes := old.reading_minutes;
    return new;
  end if;
  new.search :=
    pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, new.title), 'A')
    operator(pg_catalog.||) pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, coalesce(new.excerpt, '')), 'B')
    operator(pg_catalog.||) pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, pg_catalog.left(new.content, 200000)), 'C');
  new.reading_minutes := greatest(1, pg_catalog.ceil(pg_catalog.array_length(
    pg_catalog.regexp_split_to_array(pg_catalog.btrim(new.content), '\s+'), 1) / 200.0))::integer;
  return new;
end
$$;
comment on function publishing_private.derive_article_columns() is
  'Keeps publishing.articles.search (title A, excerpt B, content C) and reading_minutes in step with the text.';
revoke execute on function publishing_private.derive_article_columns() from public;

alter table publishing.articles
  alter column search drop expression,
  alter column reading_minutes drop expression;

create trigger articles_derive before insert or update on publishing.articles
  for each row execute function publishing_private.derive_article_columns();

comment on column publishing.articles.search is
  'Weighted search vector (title A, excerpt B, content C), kept by the articles_derive trigger.';
comment on column publishing.articles.reading_minutes is
  'Reading time at 200 words a minute (at least 1), kept by the articles_derive trigger.';

commit;
