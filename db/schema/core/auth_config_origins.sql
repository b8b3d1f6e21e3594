-- Deploy platform:schema/core/auth_config_origins to pg
-- requires: schema/core/auth_config
--
-- The origins whose pages may use cookie sessions: PLATFORM_CORS_ORIGINS plus
-- the front door's own origin, written by `inv up` (ops/database.configure)
-- as the JWT secret is. The cookie rule (functions/core/auth_cookies) refuses
-- a cookie-authenticated request whose Origin header names another origin, and
-- a WebSocket upgrade by cookie that names none (browsers always send it
-- there): the CSRF check of requests that cannot carry a header.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table auth.config
  add column allowed_origins text[] not null default '{}'
    -- each one as browsers send it: scheme://host[:port], lower case, no path
    constraint config_allowed_origins_form check (
      pg_catalog.array_to_string(allowed_origins, ' ') operator(pg_catalog.~)
        '^(https?://[a-z0-9.:\[\]-]+( |$))*$');
comment on column auth.config.allowed_origins is
  'Origins whose pages may use cookie sessions (Origin header); empty: none may.';

create function auth.set_allowed_origins(origins text[]) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  bad text;
begin
  select o into bad from pg_catalog.unnest(origins) o
   where o is null or o operator(pg_catalog.!~) '^https?://[A-Za-z0-9.:\[\]-]+$' limit 1;
  if found then
    perform platform.raise_error(422, 'auth.invalid_origin',
      pg_catalog.format('origin %s is not scheme://host[:port]', coalesce(pg_catalog.quote_literal(bad), 'null')),
      null, 'write origins as browsers send them, e.g. https://app.example.com:8443 (no path, no trailing slash)');
  end if;
  update auth.config
     set allowed_origins = coalesce((select pg_catalog.array_agg(distinct pg_catalog.lower(o) order by pg_catalog.lower(o))
                                       from pg_catalog.unnest(origins) o), '{}');
end
$$;
comment on function auth.set_allowed_origins(text[]) is
  'Set the origins whose pages may use cookie sessions (owner only; `inv up` calls it).';

commit;
