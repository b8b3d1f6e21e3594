-- Deploy platform:schema/journal/entries_search_inline to pg
-- requires: schema/journal/entries
--
-- Keep the `search` vector in the row (storage MAIN: compressed when it
-- helps, moved out of line only as a last resort). With the default
-- EXTENDED, a row over 2 kB moved its largest value out of line, and a
-- typical entry's largest value is its vector (about 1 kB for 80 words):
-- every rank (ts_rank) of a search then read the TOAST table. Now the
-- content and the plain text go out of line first; only the page's rows need
-- them (snippets, the list's page). Applies to rows written from now on (an
-- edit rewrites a row); no table rewrite, a brief lock of the catalog.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table journal.entries alter column search set storage main;

commit;
