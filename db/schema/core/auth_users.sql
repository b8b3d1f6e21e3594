-- Deploy platform:schema/core/auth_users to pg
-- requires: schema/core/namespaces
--
-- Accounts. Email and username are unique regardless of case (citext).
-- Emails are stored in Unicode NFKC form (auth.normalize_email: full-width
-- and other compatibility letters become plain ones) and are unique by
-- their skeleton too (auth.email_skeleton: NFKC, lower case, and Cyrillic
-- and Greek letters that look Latin mapped to those Latin letters), so an
-- address spelt with a Cyrillic "а" is refused beside the Latin one
-- (security finding 7 of issue 19).
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

-- An email as stored and looked up: NFKC form, surrounding blanks trimmed.
-- Every entry point (register, login, ops) goes through it.
create function auth.normalize_email(email text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.btrim(pg_catalog.normalize(email, 'NFKC'))
$$;
comment on function auth.normalize_email(text) is
  'An email as stored and looked up: NFKC, trimmed (a full-width address is its plain one).';

-- What an address looks like: NFKC, lower case, and the Cyrillic and Greek
-- letters that are drawn like Latin ones (Unicode's confusables, the common
-- subset) replaced by them. Two addresses with one skeleton are look-alikes.
create function auth.email_skeleton(email text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.translate(pg_catalog.lower(pg_catalog.normalize(email, 'NFKC')),
    -- Cyrillic small, Cyrillic capital, Greek small, Greek capital, dotless i
    U&'\0430\0435\0456\0458\043a\043e\0440\0441\0443\0445\0455\0501\051b\051d\04bb\04cf\0475' ||
    U&'\0410\0412\0415\041a\041c\041d\041e\0420\0421\0422\0425\0423\0406\0408\0405\0500\051a\051c\04ba\04c0' ||
    U&'\03b1\03bf\03c1\03b9\03ba\03bd\03c5\03c7' ||
    U&'\0391\0392\0395\0396\0397\0399\039a\039c\039d\039f\03a1\03a4\03a5\03a7' ||
    U&'\0131',
    'aeijkopcyxsdqwhlv' ||
    'abekmhopctxyijsdqwhl' ||
    'aopikvux' ||
    'abezhikmnoptyx' ||
    'i')
$$;
comment on function auth.email_skeleton(text) is
  'What an email looks like (NFKC, lower case, Latin-looking Cyrillic and Greek letters as Latin): unique per account.';

create table auth.users (
  id uuid primary key default pg_catalog.gen_random_uuid(),
  email extensions.citext not null
    constraint users_email_key unique
    constraint users_email_format check (
      email::text operator(pg_catalog.~) '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
      and pg_catalog.length(email::text) <= 254)
    -- stored as auth.normalize_email makes it: one spelling per address
    constraint users_email_normalized check (pg_catalog.is_normalized(email::text, 'NFKC')),
  -- a look-alike of a registered address is taken (auth.email_skeleton)
  email_skeleton text not null generated always as (auth.email_skeleton(email::text)) stored
    constraint users_email_skeleton_key unique,
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
