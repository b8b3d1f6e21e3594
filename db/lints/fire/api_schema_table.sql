-- A table in the api schema (RLS on, no grant: only this lint fires).
-- expect: api.lint_fire_table
create table api.lint_fire_table (id bigint primary key);
alter table api.lint_fire_table enable row level security;
