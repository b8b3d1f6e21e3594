-- An invoker SQL function with a string body and no search_path, used by a policy; its
-- twin with a SQL-standard body is pinned at creation and not reported.
-- expect: platform.lint_fire_flag(boolean)
create function platform.lint_fire_flag(flag boolean) returns boolean
language sql stable as $$ select flag $$;
create function platform.lint_fire_pinned(flag boolean) returns boolean
language sql stable return flag;
create table platform.lint_fire_flagged (id bigint primary key, flag boolean not null);
alter table platform.lint_fire_flagged enable row level security;
create policy "flagged rows" on platform.lint_fire_flagged for select to authenticated
  using (platform.lint_fire_flag(flag) and platform.lint_fire_pinned(flag));
