-- Deploy platform:schema/journal/entries_author_fk to pg
-- requires: schema/journal/authors
--
-- journal.entries.owner_id references journal.authors.user_id, so PostgREST embeds an
-- entry's author: GET /entries?select=*,author:authors(display_name,avatar_url).
-- Every account has its author row (schema/journal/authors), so every entry's owner
-- has one. Added NOT VALID (no scan of the entries under the lock) and validated by the
-- next change, in its own transaction. The index of the key: entries_owner_date_idx
-- leads with owner_id.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table journal.entries add constraint entries_owner_author_fkey
  foreign key (owner_id) references journal.authors (user_id) on delete cascade not valid;

commit;
