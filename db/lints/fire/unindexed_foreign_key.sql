-- A foreign key without an index.
-- expect: platform.lint_fire_child (parent_id)
create table platform.lint_fire_parent (id bigint primary key);
create table platform.lint_fire_child (id bigint primary key,
  parent_id bigint references platform.lint_fire_parent);
alter table platform.lint_fire_parent enable row level security;
alter table platform.lint_fire_child enable row level security;
