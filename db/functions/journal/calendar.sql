-- Deploy platform:functions/journal/calendar to pg
-- requires: rls/journal/entries
-- requires: functions/core/platform_errors
--
-- POST /rpc/calendar {month: "YYYY-MM"} (or GET /rpc/calendar?month=2026-12),
-- Accept-Profile/Content-Profile: journal. The caller's heat map of one month
-- and their writing streaks:
--   {"month": "2026-12", "today": "2026-12-07",
--    "days": [{"date": "2026-12-01", "entries": 2}, ... every day of the month],
--    "total": 9, "current_streak": 3, "longest_streak": 12}
--   * entries: the caller's entries about that day (entry_date), deleted ones not
--     counted;
--   * a streak is a run of consecutive days, up to today, with at least one entry;
--     the current streak is the run ending today, or yesterday when nothing is
--     written yet today (the day is not over), else 0.
--   * today is journal_private.today(): the token's tz claim, else the author's
--     time zone (journal.authors.timezone), else UTC.
-- SECURITY INVOKER: the entries' policies decide, and the owner_id filter uses
-- entries_owner_date_idx (owner_id, entry_date desc, ...). A month that is not
-- YYYY-MM (1900-2999) is 422 journal.invalid_month naming `month`.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function journal.calendar(month text) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  today date := journal_private.today();
  first_day date;
  last_day date;
  days jsonb;
  total bigint;
  current_streak bigint;
  longest_streak bigint;
begin
  if month is null or month !~ '^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$' then
    perform platform.raise_error(422, 'journal.invalid_month',
      'month: must be a month as YYYY-MM between 1900-01 and 2999-12', '{"field": "month"}',
      'send e.g. {"month": "2026-12"}');
  end if;
  first_day := pg_catalog.to_date(month || '-01', 'YYYY-MM-DD');
  last_day := (first_day + interval '1 month' - interval '1 day')::date;

  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('date', g.day::date, 'entries', coalesce(c.n, 0))
                              order by g.day),
         coalesce(pg_catalog.sum(c.n), 0)
    into days, total
    from pg_catalog.generate_series(first_day::timestamp, last_day::timestamp, interval '1 day') g(day)
    left join (select e.entry_date, pg_catalog.count(*) as n
                 from journal.entries e
                where e.owner_id = me and e.deleted_at is null
                  and e.entry_date between first_day and last_day
                group by e.entry_date) c on c.entry_date = g.day::date;

  -- Runs of consecutive days: a day minus its rank is constant along a run.
  select coalesce(pg_catalog.max(r.len), 0),
         coalesce(pg_catalog.max(r.len) filter (where r.last_day >= today - 1), 0)
    into longest_streak, current_streak
    from (select pg_catalog.max(d.entry_date) as last_day, pg_catalog.count(*) as len
            from (select w.entry_date, w.entry_date - (pg_catalog.row_number() over (order by w.entry_date))::integer as run
                    from (select distinct e.entry_date
                            from journal.entries e
                           where e.owner_id = me and e.deleted_at is null and e.entry_date <= today) w) d
           group by d.run) r;

  return pg_catalog.jsonb_build_object(
    'month', month, 'today', today, 'days', days, 'total', total,
    'current_streak', current_streak, 'longest_streak', longest_streak);
end
$$;
comment on function journal.calendar(text) is
  'The caller''s entries per day of a month (YYYY-MM) and their current and longest writing streaks; 422 journal.invalid_month.';
revoke execute on function journal.calendar(text) from public;
grant execute on function journal.calendar(text) to authenticated;
select platform.declare_api_function('journal', 'journal.calendar(text)', array['authenticated'],
  'SECURITY INVOKER, read-only: counts the caller''s own entries under the entries'' policies.');

commit;
