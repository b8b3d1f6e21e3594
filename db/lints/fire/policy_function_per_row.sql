-- A policy calling auth.uid() per row; its twin with (select auth.uid()) is not reported.
-- expect: "own rows, per row" on platform.lint_fire_owned
create table platform.lint_fire_owned (id bigint primary key, owner_id uuid not null);
create index lint_fire_owned_owner_idx on platform.lint_fire_owned (owner_id);
alter table platform.lint_fire_owned enable row level security;
create policy "own rows, per row" on platform.lint_fire_owned for select to authenticated
  using (owner_id = auth.uid());
create policy "own rows, once" on platform.lint_fire_owned for delete to authenticated
  using (owner_id = (select auth.uid()));
