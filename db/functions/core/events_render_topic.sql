-- Deploy platform:functions/core/events_render_topic to pg
-- requires: functions/core/events_capture
--
-- events.render_topic() runs once per topic for every captured row. The
-- first version found placeholders with regexp_matches (a set-returning
-- query per call); this one walks the template with strpos, same result:
-- each {column} becomes the row's value as text, '' when absent; braces
-- around anything but a lower-case column name stay as they are.

begin;

set local search_path = '';

create or replace function events.render_topic(template text, rec jsonb) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  result text := '';
  rest text := template;
  open_at integer;
  close_at integer;
  name text;
begin
  loop
    open_at := pg_catalog.strpos(rest, '{');
    exit when open_at = 0;
    close_at := pg_catalog.strpos(pg_catalog.substr(rest, open_at), '}') + open_at - 1;
    exit when close_at < open_at;
    name := pg_catalog.substr(rest, open_at + 1, close_at - open_at - 1);
    if name ~ '^[a-z_][a-z0-9_]*$' then
      result := result || pg_catalog.left(rest, open_at - 1) || coalesce(rec ->> name, '');
      rest := pg_catalog.substr(rest, close_at + 1);
    else
      -- Not a placeholder: keep the brace, look again just after it.
      result := result || pg_catalog.left(rest, open_at);
      rest := pg_catalog.substr(rest, open_at + 1);
    end if;
  end loop;
  return result || rest;
end
$$;
comment on function events.render_topic(text, jsonb) is 'Fill {column} placeholders of a topic template from a row.';

commit;
