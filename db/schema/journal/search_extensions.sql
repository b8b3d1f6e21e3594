-- Deploy platform:schema/journal/search_extensions to pg
-- requires: schema/journal/entries
--
-- Extensions journal search needs, in schema `extensions` (out of every exposed
-- schema):
--   * btree_gin: GIN operator classes for plain types, so one GIN index holds
--     (owner_id, search) and (owner_id, title trigrams): a user's matches are
--     found without reading other users' entries (docs/decisions/0019);
--   * pg_trgm: trigram similarity of titles, the typo-tolerant fallback.
--     Publishing creates it too; `if not exists` keeps either order working,
--     and the revert leaves it (publishing may use it).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create extension if not exists btree_gin with schema extensions;
create extension if not exists pg_trgm with schema extensions;

commit;
