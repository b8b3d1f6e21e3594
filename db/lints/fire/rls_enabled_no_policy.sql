-- RLS on, a grant to anon, no policy.
-- expect: publishing.lint_fire_empty
create table publishing.lint_fire_empty (id bigint primary key);
alter table publishing.lint_fire_empty enable row level security;
grant select on publishing.lint_fire_empty to anon;
