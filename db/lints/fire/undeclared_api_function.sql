-- A function authenticated may run that no module declared, a declared function whose
-- roles differ from its grants, and a declaration whose function is gone.
-- expect: publishing.lint_fire_undeclared()
-- expect: publishing.lint_fire_wrong_roles()
-- expect: publishing.lint_fire_dropped()
create function publishing.lint_fire_undeclared() returns integer
language sql stable set search_path = '' as $$ select 1 $$;
grant execute on function publishing.lint_fire_undeclared() to authenticated;
create function publishing.lint_fire_wrong_roles() returns integer
language sql stable set search_path = '' as $$ select 1 $$;
grant execute on function publishing.lint_fire_wrong_roles() to anon, authenticated;
select platform.declare_api_function('publishing', 'publishing.lint_fire_wrong_roles()',
  array['authenticated'], 'a fixture: declared for signed-in users only');
create function publishing.lint_fire_dropped() returns integer
language sql stable set search_path = '' as $$ select 1 $$;
select platform.declare_api_function('publishing', 'publishing.lint_fire_dropped()',
  array['anon'], 'a fixture: the function is dropped below');
drop function publishing.lint_fire_dropped();
