-- A view in an exposed schema without security_invoker (no grant: only this lint fires).
-- expect: publishing.lint_fire_view
create view publishing.lint_fire_view as select 1 as one;
