-- A regprocedure column (regclass is fine).
-- expect: platform.lint_fire_callbacks.callback
create table platform.lint_fire_callbacks (id bigint primary key, callback regprocedure,
  target regclass);
alter table platform.lint_fire_callbacks enable row level security;
