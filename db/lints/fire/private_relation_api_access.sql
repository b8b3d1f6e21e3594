-- An API role may read a column of a private table.
-- expect: auth.users
grant select (id) on auth.users to authenticated;
