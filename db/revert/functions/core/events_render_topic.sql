-- Revert platform:functions/core/events_render_topic from pg
--
-- events.render_topic() as functions/core/events_capture made it.

begin;

set local search_path = '';

create or replace function events.render_topic(template text, rec jsonb) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  result text := template;
  placeholder text;
begin
  for placeholder in
    select m[1] from pg_catalog.regexp_matches(template, '\{([a-z_][a-z0-9_]*)\}', 'g') as m
  loop
    result := pg_catalog.replace(result, '{' || placeholder || '}', coalesce(rec ->> placeholder, ''));
  end loop;
  return result;
end
$$;

commit;
