-- Deploy platform:schema/journal/trash_retention to pg
-- requires: schema/journal/entries
--
-- How long a deleted entry stays in the trash before the job
-- journal.purge_trash (functions/journal/trash) purges it: a setting in the
-- module's one-row settings table, like daily_entry_limit. Ops change it with
-- plain SQL (`update journal_private.settings set trash_retention = '60 days';`).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table journal_private.settings
  add column trash_retention interval not null default '30 days'
    constraint settings_trash_retention check (trash_retention >= interval '1 hour');
comment on table journal_private.settings is 'Journal settings (one row): daily_entry_limit, trash_retention.';

commit;
