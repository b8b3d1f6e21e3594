-- Two permissive select policies for authenticated (one of them `for all`).
-- expect: platform.lint_fire_shared
create table platform.lint_fire_shared (id bigint primary key, public boolean not null);
alter table platform.lint_fire_shared enable row level security;
create policy "public rows" on platform.lint_fire_shared for select to authenticated
  using (public);
create policy "everything for everyone" on platform.lint_fire_shared for all to authenticated
  using (true);
