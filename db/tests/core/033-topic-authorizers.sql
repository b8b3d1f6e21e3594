-- Topic authorizers are stored as text and resolved at each use (security finding 9 of
-- issue 19: a regprocedure column stops pg_upgrade and dangles after a rework).
begin;
select plan(4);

select is((select atttypid::regtype::text from pg_attribute
            where attrelid = 'events.topics'::regclass and attname = 'authorize'),
  'text', 'events.topics.authorize holds the signature as text, not regprocedure');

create function public.lint_allow_all(arg text) returns boolean
language sql stable set search_path = '' as $$ select true $$;
grant execute on function public.lint_allow_all(text) to anon;
select events.register_topic('tapfixture:*', 'public.lint_allow_all(text)', 'a test topic');
select is((select authorize from events.topics where pattern = 'tapfixture:*'),
  'public.lint_allow_all(text)', 'register_topic stores the signature as regprocedure prints it');

select tests.act_as_anon();
select is((select allowed from events.authorize_subscription('tapfixture:x')), true,
  'the authorizer is resolved from its signature when a caller subscribes');
select tests.act_as_owner();

drop function public.lint_allow_all(text);
select tests.act_as_anon();
select is((select allowed from events.authorize_subscription('tapfixture:x')), false,
  'a topic whose authorizer is gone denies instead of failing');
select tests.act_as_owner();

select * from finish();
rollback;
