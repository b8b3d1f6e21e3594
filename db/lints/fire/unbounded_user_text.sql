-- Columns signed-in users may write: an unbounded text and jsonb are reported; a bounded
-- text, a varchar(n), a domain with a length check and an enumeration are not.
-- expect: publishing.lint_fire_notes.body
-- expect: publishing.lint_fire_notes.data
create domain publishing.lint_fire_short as text check (pg_catalog.char_length(value) <= 10);
create table publishing.lint_fire_notes (
  id bigint primary key,
  body text,
  data jsonb,
  title text constraint lint_fire_notes_title_length check (pg_catalog.char_length(title) <= 10),
  code varchar(10),
  short publishing.lint_fire_short,
  kind text constraint lint_fire_notes_kind_known check (kind in ('a', 'b'))
);
alter table publishing.lint_fire_notes enable row level security;
create policy "users write notes" on publishing.lint_fire_notes for insert to authenticated
  with check (true);
grant insert (id, body, data, title, code, short, kind) on publishing.lint_fire_notes to authenticated;
