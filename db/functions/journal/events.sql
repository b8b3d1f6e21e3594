-- Deploy platform:functions/journal/events to pg
-- requires: rls/journal/entries
-- requires: rls/journal/tags
-- requires: functions/core/events_capture@platform-2.0
-- requires: functions/core/events_delivery
-- requires: schema/core/audit_log@platform-2.0
--
-- Audit and change events for the journal's tables, without the diary's text.
--
-- Audit (audit.enable): every insert, update, delete and truncate of entries,
-- tags and entry_tags, naming the row, the changed columns and who; never the
-- text: entries' title and content are excluded columns (listed as changed,
-- never their values), what is derived from them (plain_text, search, image_paths
-- (file names may say what an entry is about), word and
-- reading counts, sealed) are derived columns (never logged; views are counted
-- in journal.entry_views, not audited); tags' name is excluded. Changes to
-- journal_private.settings (ops, by SQL) are audited as well.
--
-- Events (events.enable): wake-ups without the text. Entries on topics
-- user:<owner_id> (the owner's devices) and journal:entries (public entries);
-- tags and entry_tags on user:<owner_id>. Payloads exclude title, content and
-- derived text and image_paths (and tag names): a client refetches the row over HTTP, where
-- the policies decide. Audience, by the select policies' rule
-- (rls/journal/entries): a public entry that is not deleted, everyone; any
-- other entry, its owner only. So a private entry's event on journal:entries
-- reaches only its owner. An entry that stops being public (made private,
-- deleted) also sends entry.withdrawn (its id only) to everyone; replays
-- re-check who may see an entry now (current_entry_audiences). View counts
-- alone are no event.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- Who may read an entry (a row as jsonb), as an event audience.
create function journal_private.entry_audience(entry jsonb, gone boolean) returns jsonb
language sql immutable parallel safe
set search_path = ''
as $$
  select case when not gone and (entry ->> 'is_public')::boolean and entry -> 'deleted_at' = 'null'::jsonb
              then '{"public": true}'::jsonb
              else pg_catalog.jsonb_build_object('users', pg_catalog.jsonb_build_array(entry ->> 'owner_id')) end
$$;
revoke execute on function journal_private.entry_audience(jsonb, boolean) from public;

create function journal_private.describe_entry(op text, new jsonb, old jsonb) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  audience jsonb := journal_private.entry_audience(coalesce(new, old), op = 'delete');
begin
  return pg_catalog.jsonb_build_object(
    'type', case
      when op = 'insert' then 'entry.created'
      when op = 'delete' then 'entry.deleted'
      when new -> 'deleted_at' <> 'null'::jsonb and old -> 'deleted_at' = 'null'::jsonb then 'entry.deleted'
      when new -> 'deleted_at' = 'null'::jsonb and old -> 'deleted_at' <> 'null'::jsonb then 'entry.restored'
      else 'entry.updated' end,
    'audience', audience,
    'withdrawn', case when old is not null then events.withdrawn('entry.withdrawn',
      journal_private.entry_audience(old, false),
      case when op = 'delete' then '{}'::jsonb else audience end) end);
end
$$;
revoke execute on function journal_private.describe_entry(text, jsonb, jsonb) from public;

create function journal_private.describe_owned(op text, new jsonb, old jsonb) returns jsonb
language sql stable
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'type', case when coalesce(new, old) ? 'tag_id' then 'entry_tag.' else 'tag.' end
            || case op when 'insert' then 'created' when 'delete' then 'deleted' else 'updated' end,
    'audience', pg_catalog.jsonb_build_object('users', pg_catalog.jsonb_build_array(coalesce(new, old) ->> 'owner_id')))
$$;
revoke execute on function journal_private.describe_owned(text, jsonb, jsonb) from public;

-- What a replay re-checks: who may see these entries now. SECURITY DEFINER:
-- the gateway's platform_jobs role cannot read journal.entries.
create function journal_private.current_entry_audiences(ids text[])
returns table (id text, audience jsonb)
language sql stable
security definer
set search_path = ''
as $$
  select e.id::text, journal_private.entry_audience(
           pg_catalog.jsonb_build_object('is_public', e.is_public, 'deleted_at', e.deleted_at, 'owner_id', e.owner_id), false)
    from journal.entries e
   where e.id::text = any (ids)
$$;
revoke execute on function journal_private.current_entry_audiences(text[]) from public;
grant usage on schema journal_private to platform_jobs;
grant execute on function journal_private.current_entry_audiences(text[]) to platform_jobs;

-- journal:entries: anyone may follow it; what each follower receives is decided per event.
create function journal_private.may_follow_entries(arg text) returns boolean
language sql stable
set search_path = ''
as $$ select arg is null $$;
revoke execute on function journal_private.may_follow_entries(text) from public;
grant usage on schema journal_private to anon;
grant execute on function journal_private.may_follow_entries(text) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.may_follow_entries(text)',
  array['anon', 'authenticated'],
  'Authorizer of journal:entries, run as the subscriber by events.authorize_subscription; reads nothing.');

select events.enable('journal.entries', array['user:{owner_id}', 'journal:entries'],
  'journal_private.describe_entry(text, jsonb, jsonb)', '{title,content,plain_text,search,image_paths}');
select events.enable('journal.tags', array['user:{owner_id}'],
  'journal_private.describe_owned(text, jsonb, jsonb)', '{name}');
select events.enable('journal.entry_tags', array['user:{owner_id}'],
  'journal_private.describe_owned(text, jsonb, jsonb)');
select events.register_replay_audience('journal.entries', 'journal_private.current_entry_audiences(text[])');
select events.register_topic('journal:entries', 'journal_private.may_follow_entries(text)',
  'Public journal entries as they change (ids and dates, never text); a private entry''s events reach only its owner.');

select audit.enable('journal.entries', exclude_columns => '{title,content}',
  derived_columns => '{plain_text,search,word_count,reading_minutes,sealed,image_paths}');
select audit.enable('journal.tags', exclude_columns => '{name}');
select audit.enable('journal.entry_tags');
-- ops' changes to the settings (the daily limit) too
select audit.enable('journal_private.settings');

commit;
