-- Deploy platform:schema/core/auth_users to pg
-- requires: schema/core/namespaces
--
-- Accounts. Email and username are unique regardless of case (citext).
-- Passwords are bcrypt hashes (pgcrypto). App privileges are rows of
-- auth.user_privileges; auth.privileges says what each one implies, and
-- tokens carry the closure so policies test one claim.

begin;

set local search_path = '';

create table auth.privileges (
  name text primary key,
  implies text[] not null default '{}',
  description text not null
);
comment on table auth.privileges is
  'App privileges and the ones each implies (closure spelled out). Every signed-in user is a reader.';

insert into auth.privileges (name, implies, description) values
  ('reader', '{}', 'Any signed-in user: reads, comments, likes.'),
  ('author', '{reader}', 'Writes and edits their own drafts.'),
  ('moderator', '{reader}', 'Approves, flags and removes comments.'),
  ('editor', '{author,reader}', 'Reviews, publishes, schedules, archives and features any article.'),
  ('admin', '{editor,moderator,author,reader}', 'Everything, including site settings and users.');

create table auth.users (
  id uuid primary key default pg_catalog.gen_random_uuid(),
  email extensions.citext not null
    constraint users_email_key unique
    constraint users_email_format check (
      email::text operator(pg_catalog.~) '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
      and pg_catalog.length(email::text) <= 254),
  username extensions.citext not null
    constraint users_username_key unique
    constraint users_username_format check (
      username::text operator(pg_catalog.~) '^[A-Za-z0-9_][A-Za-z0-9_.-]{2,31}$'),
  password_hash text not null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  password_changed_at timestamptz not null default pg_catalog.now()
);
comment on table auth.users is 'Accounts. password_hash is bcrypt; nothing outside auth reads this table.';

create table auth.user_privileges (
  user_id uuid not null references auth.users (id) on delete cascade,
  privilege text not null references auth.privileges (name),
  granted_at timestamptz not null default pg_catalog.now(),
  primary key (user_id, privilege)
);
create index user_privileges_privilege_idx on auth.user_privileges (privilege);
comment on table auth.user_privileges is 'Privileges granted to a user (readers need no row).';

alter table auth.privileges enable row level security;
alter table auth.users enable row level security;
alter table auth.user_privileges enable row level security;

commit;
