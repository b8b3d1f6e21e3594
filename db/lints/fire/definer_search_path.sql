-- A definer function without set search_path (nobody may execute it: only this lint fires).
-- expect: platform.lint_fire_definer()
create function platform.lint_fire_definer() returns integer
language sql security definer as $$ select 1 $$;
