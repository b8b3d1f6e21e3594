-- Deploy platform:functions/journal/export to pg
-- requires: functions/journal/markdown
-- requires: functions/journal/trash
-- requires: functions/core/platform_errors
-- requires: functions/core/api_session
--
-- GET or POST /rpc/export_entries (Accept-Profile/Content-Profile: journal):
-- the caller's whole journal as one document, for data portability.
--   Accept: application/json (or none, */*):
--     {"format": "journal.export", "version": 1, "exported_at", "owner": {id, username},
--      "complete": true, "next": null, "counts": {...},
--      "entries": [{id, title, entry_date, content (as stored: sealed envelopes
--                   too), is_public, sealed, version, created_at, updated_at,
--                   deleted_at, in_trash, view_count, last_viewed_at}, ...],
--      "tags": [{id, name, created_at}], "entry_tags": [{entry_id, tag_id, created_at}]}
--   Accept: text/markdown: the live entries (not the trash) as Markdown
--     (journal_private.md_entry), a sealed entry as a note.
--   Anything else: 406 journal.unsupported_media_type.
-- Both answer Content-Disposition: attachment; filename="journal-YYYY-MM-DD.json"
-- (.md), the day in the caller's time zone (the token's tz claim, else UTC).
--
-- One function, two formats: PostgREST 12.0.2 lets a function returning a
-- domain named "*/*" answer every Accept (its "any" media type handler); the
-- function reads the Accept header itself and sets Content-Type.
--
-- Bounded: a document holds entries up to 64 MiB of title and content JSON
-- (2 MiB for Markdown, slower to render; at least one entry); past that it says "complete": false and "next":
-- {"after": "<entry id>"} (for Markdown a `Link: <...>; rel="next"` header),
-- and the client asks again with {"after": ...}. Entries come in a stable
-- order (entry_date, created_at, id). Runs under authenticated's 8 s
-- statement timeout: a timeout answers 503 platform.timeout.
--
-- SECURITY INVOKER: the policies decide, and the owner_id filter keeps other
-- users' public entries out (the policies would let them through).
-- Anonymous callers: 401 auth.not_authenticated.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- PostgREST 12's "any" media type: a function returning it answers every Accept.
create domain journal."*/*" as text;
comment on domain journal."*/*" is
  'PostgREST''s any media type handler: export_entries answers JSON or Markdown after the Accept header.';

-- What an Accept header asks of the export: 'json', 'markdown', or null when
-- it names neither (the first of them in the header wins; q values ignored).
create function journal_private.export_format(accept text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select case when a.media in ('application/json', 'application/*', '*/*') then 'json' else 'markdown' end
    from pg_catalog.unnest(pg_catalog.string_to_array(coalesce(nullif(accept, ''), '*/*'), ',')) with ordinality u(item, n),
         lateral (select pg_catalog.lower(pg_catalog.btrim(pg_catalog.split_part(u.item, ';', 1))) as media) a
   where a.media in ('application/json', 'application/*', '*/*', 'text/markdown', 'text/*')
   order by u.n
   limit 1
$$;
revoke execute on function journal_private.export_format(text) from public;
grant execute on function journal_private.export_format(text) to authenticated;
select platform.declare_api_function('journal', 'journal_private.export_format(text)', array['authenticated'],
  'export_entries'' content negotiation, run as the caller; pure text.');

-- The page of the caller's entries a document holds: those after `after`
-- (entry_date, created_at, id), up to `budget` bytes of title and content
-- JSON, at least one; `more` when entries remain past it.
create function journal_private.export_page(me uuid, after uuid, budget bigint, live_only boolean)
returns table (id uuid, more boolean)
language plpgsql stable
set search_path = ''
as $$
declare
  from_date date;
  from_created timestamptz;
begin
  if after is not null then
    select e.entry_date, e.created_at into from_date, from_created
      from journal.entries e where e.id = after and e.owner_id = me;
    if not found then
      perform platform.raise_error(422, 'journal.invalid_cursor',
        'after: not one of your entries (send the "next" of the previous document)', '{"field": "after"}',
        'start again without "after"');
    end if;
  end if;
  return query
    select s.id, s.before + s.size >= budget and s.rest > 1
      from (select e.id,
                   pg_catalog.octet_length(e.title) + pg_catalog.octet_length(e.content::text) as size,
                   coalesce(pg_catalog.sum(pg_catalog.octet_length(e.title) + pg_catalog.octet_length(e.content::text))
                              over (order by e.entry_date, e.created_at, e.id
                                    rows between unbounded preceding and 1 preceding), 0) as before,
                   pg_catalog.count(*) over (order by e.entry_date desc, e.created_at desc, e.id desc) as rest
              from journal.entries e
             where e.owner_id = me
               and (not live_only or e.deleted_at is null)
               and (after is null or (e.entry_date, e.created_at, e.id) > (from_date, from_created, after))) s
     where s.before < budget or s.before = 0
     order by s.id;
end
$$;
revoke execute on function journal_private.export_page(uuid, uuid, bigint, boolean) from public;
grant execute on function journal_private.export_page(uuid, uuid, bigint, boolean) to authenticated;
select platform.declare_api_function('journal', 'journal_private.export_page(uuid, uuid, bigint, boolean)',
  array['authenticated'], 'SECURITY INVOKER: picks a page of the caller''s own entries under the policies.');

-- The JSON document (json, not jsonb: no 255 MB jsonb limit, keys in this order).
create function journal_private.export_json(me uuid, after uuid, budget bigint, out body text, out next_after uuid)
language plpgsql stable
set search_path = ''
as $$
declare
  page uuid[];
  more boolean;
begin
  select coalesce(pg_catalog.array_agg(p.id), '{}'), coalesce(pg_catalog.bool_or(p.more), false) into page, more
    from journal_private.export_page(me, after, budget, false) p;
  if more then
    select e.id into next_after from journal.entries e join pg_catalog.unnest(page) p(id) on p.id = e.id
     order by e.entry_date desc, e.created_at desc, e.id desc limit 1;
  end if;
  select pg_catalog.json_build_object(
           'format', 'journal.export',
           'version', 1,
           'exported_at', pg_catalog.now(),
           'owner', pg_catalog.json_build_object('id', me, 'username', api.me() ->> 'username'),
           'complete', not more and after is null,
           'next', case when more then pg_catalog.json_build_object('after', next_after) end,
           'counts', pg_catalog.json_build_object(
              'entries', pg_catalog.cardinality(page),
              'in_trash', (select pg_catalog.count(*) from journal.entries e join pg_catalog.unnest(page) p(id) on p.id = e.id
                           where e.deleted_at is not null),
              'tags', (select pg_catalog.count(*) from journal.tags t where t.owner_id = me),
              'entry_tags', (select pg_catalog.count(*) from journal.entry_tags et join pg_catalog.unnest(page) p(id) on p.id = et.entry_id
                             where et.owner_id = me)),
           'entries', coalesce((
              select pg_catalog.json_agg(pg_catalog.json_build_object(
                       'id', e.id, 'title', e.title, 'entry_date', e.entry_date, 'content', e.content,
                       'is_public', e.is_public, 'sealed', e.sealed, 'version', e.version,
                       'created_at', e.created_at, 'updated_at', e.updated_at,
                       'deleted_at', e.deleted_at, 'in_trash', e.deleted_at is not null,
                       'view_count', coalesce(v.view_count, 0), 'last_viewed_at', v.last_viewed_at)
                     order by e.entry_date, e.created_at, e.id)
                from journal.entries e join pg_catalog.unnest(page) p(id) on p.id = e.id
                left join journal.entry_views v on v.entry_id = e.id and v.owner_id = me
               where e.owner_id = me), '[]'),
           'tags', coalesce((
              select pg_catalog.json_agg(pg_catalog.json_build_object('id', t.id, 'name', t.name, 'created_at', t.created_at)
                     order by pg_catalog.lower(t.name), t.id)
                from journal.tags t where t.owner_id = me), '[]'),
           'entry_tags', coalesce((
              select pg_catalog.json_agg(pg_catalog.json_build_object(
                       'entry_id', et.entry_id, 'tag_id', et.tag_id, 'created_at', et.created_at)
                     order by et.entry_id, et.tag_id)
                from journal.entry_tags et join pg_catalog.unnest(page) p(id) on p.id = et.entry_id
               where et.owner_id = me), '[]')
         )::text
    into body;
end
$$;
revoke execute on function journal_private.export_json(uuid, uuid, bigint) from public;
grant execute on function journal_private.export_json(uuid, uuid, bigint) to authenticated;
select platform.declare_api_function('journal', 'journal_private.export_json(uuid, uuid, bigint)',
  array['authenticated'], 'SECURITY INVOKER: the caller''s own entries, tags and links under the policies.');

-- The Markdown document: the live entries, each as journal_private.md_entry.
create function journal_private.export_markdown(me uuid, after uuid, budget bigint, out body text, out next_after uuid)
language plpgsql stable
set search_path = ''
as $$
declare
  page uuid[];
  more boolean;
begin
  select coalesce(pg_catalog.array_agg(p.id), '{}'), coalesce(pg_catalog.bool_or(p.more), false) into page, more
    from journal_private.export_page(me, after, budget, true) p;
  if more then
    select e.id into next_after from journal.entries e join pg_catalog.unnest(page) p(id) on p.id = e.id
     order by e.entry_date desc, e.created_at desc, e.id desc limit 1;
  end if;
  select coalesce(pg_catalog.string_agg(
           journal_private.md_entry(e.title, e.entry_date, coalesce(tg.names, '{}'), e.content),
           E'\n\n' order by e.entry_date, e.created_at, e.id) || E'\n', '')
    into body
    from journal.entries e
    left join lateral (select pg_catalog.array_agg(t.name order by pg_catalog.lower(t.name)) as names
                         from journal.entry_tags et
                         join journal.tags t on t.id = et.tag_id and t.owner_id = et.owner_id
                        where et.entry_id = e.id and et.owner_id = me) tg on true
    join pg_catalog.unnest(page) p(id) on p.id = e.id
   where e.owner_id = me;
end
$$;
revoke execute on function journal_private.export_markdown(uuid, uuid, bigint) from public;
grant execute on function journal_private.export_markdown(uuid, uuid, bigint) to authenticated;
select platform.declare_api_function('journal', 'journal_private.export_markdown(uuid, uuid, bigint)',
  array['authenticated'], 'SECURITY INVOKER: the caller''s own live entries and tags under the policies, as Markdown.');

create function journal.export_entries(after uuid default null) returns journal."*/*"
language plpgsql stable
set search_path = ''
as $$
declare
  me uuid := auth.require_user();  -- 401 auth.not_authenticated for anonymous callers
  accept text := nullif(pg_catalog.current_setting('request.headers', true), '')::json ->> 'accept';
  kind text := journal_private.export_format(accept);
  result record;
  headers jsonb;
begin
  if kind is null then
    perform platform.raise_error(406, 'journal.unsupported_media_type',
      pg_catalog.format('Accept: export_entries answers application/json or text/markdown, not %s', accept),
      pg_catalog.json_build_object('field', 'Accept', 'accept', accept)::text,
      'send Accept: application/json (or none) or Accept: text/markdown');
  end if;
  begin
    if kind = 'json' then
      result := journal_private.export_json(me, after, 67108864);
    else
      -- rendering costs 1 to 3 ms an entry of 2.6 KB (docs/modules/journal.md):
      -- a smaller page keeps a request well inside the 8 s statement timeout
      result := journal_private.export_markdown(me, after, 2097152);
    end if;
  exception when query_canceled then
    perform platform.raise_timeout();
  end;
  headers := pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('Content-Type',
      case kind when 'json' then 'application/json; charset=utf-8' else 'text/markdown; charset=utf-8' end),
    pg_catalog.jsonb_build_object('Content-Disposition', pg_catalog.format('attachment; filename="journal-%s%s.%s"',
      journal_private.today(), case when after is null then '' else '-after-' || after::text end,
      case kind when 'json' then 'json' else 'md' end)));
  if kind = 'markdown' and result.next_after is not null then
    headers := headers || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('Link',
      pg_catalog.format('<export_entries?after=%s>; rel="next"', result.next_after)));
  end if;
  perform pg_catalog.set_config('response.headers', headers::text, true);
  return result.body;
end
$$;
comment on function journal.export_entries(uuid) is
  'The caller''s journal (entries with the trash, tags, links) as one JSON document, or Markdown with Accept: text/markdown; "after" pages past 64 MiB.';
revoke execute on function journal.export_entries(uuid) from public;
grant execute on function journal.export_entries(uuid) to anon, authenticated;
select platform.declare_api_function('journal', 'journal.export_entries(uuid)', array['anon', 'authenticated'],
  'SECURITY INVOKER, read-only: exports the caller''s own rows under the policies; anonymous callers get 401.');

commit;
