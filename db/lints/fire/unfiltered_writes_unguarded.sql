-- A table signed-in users may update, without the guard; its guarded twin passes.
-- expect: publishing.lint_fire_unguarded
create table publishing.lint_fire_unguarded (id bigint primary key, note text check (length(note) < 10));
alter table publishing.lint_fire_unguarded enable row level security;
grant select, update (note) on publishing.lint_fire_unguarded to authenticated;
create policy "lint fire" on publishing.lint_fire_unguarded for update to authenticated using (true);
create table publishing.lint_fire_guarded (id bigint primary key, note text check (length(note) < 10));
alter table publishing.lint_fire_guarded enable row level security;
grant select, update (note) on publishing.lint_fire_guarded to authenticated;
create policy "lint fire" on publishing.lint_fire_guarded for update to authenticated using (true);
select platform.refuse_unfiltered_writes('publishing.lint_fire_guarded');
