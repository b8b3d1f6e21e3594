-- Deploy platform:schema/core/auth_config to pg
-- requires: schema/core/namespaces
--
-- One row of auth settings. The JWT signing secret lives here, in a private
-- table no API role can read (never in a GUC that `current_setting` would
-- reveal). `inv up` writes it with auth.set_jwt_secret() from the same file
-- PostgREST reads its `jwt-secret` from.

begin;

set local search_path = '';

create table auth.config (
  singleton boolean primary key default true constraint config_singleton check (singleton),
  jwt_secret text constraint config_jwt_secret_length check (pg_catalog.length(jwt_secret) >= 32),
  access_token_ttl interval not null default '15 minutes'
    constraint config_access_token_ttl check (access_token_ttl > '0' and access_token_ttl <= '15 minutes'),
  refresh_token_ttl interval not null default '30 days'
    constraint config_refresh_token_ttl check (refresh_token_ttl > '0'),
  max_failed_logins integer not null default 5
    constraint config_max_failed_logins check (max_failed_logins > 0),
  lockout_base interval not null default '30 seconds',
  lockout_max interval not null default '15 minutes',
  bcrypt_cost integer not null default 10 constraint config_bcrypt_cost check (bcrypt_cost between 10 and 15)
);
comment on table auth.config is 'Auth settings (one row). jwt_secret is readable by its owner only.';

insert into auth.config default values;

alter table auth.config enable row level security;

create function auth.set_jwt_secret(secret text) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if secret is null or pg_catalog.length(secret) < 32 then
    perform platform.raise_error(422, 'auth.weak_jwt_secret',
      'jwt_secret must be at least 32 characters', null,
      'generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(48))"');
  end if;
  update auth.config set jwt_secret = secret;
end
$$;
comment on function auth.set_jwt_secret(text) is
  'Set the HS256 signing secret shared with PostgREST (owner only; `inv up` calls it).';

commit;
