-- A table created without row-level security.
-- expect: platform.lint_fire_plain
create table platform.lint_fire_plain (id bigint primary key);
