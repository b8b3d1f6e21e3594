-- Revert platform:schema/journal/search_extensions from pg
-- btree_gin goes; pg_trgm stays (publishing's search uses it too).

begin;

set local search_path = '';
set local lock_timeout = '5s';

drop extension btree_gin;

commit;
