-- Deploy platform:schema/journal/entries to pg
-- requires: schema/journal/schemas
-- requires: schema/core/auth_users
-- requires: functions/core/auth_claims
-- requires: functions/core/platform_errors
--
-- Journal entries: one person's diary, each entry an Editor.js document.
--   * id: a random UUID (gen_random_uuid), never a sequence: ids are not guessable.
--   * title: 1-255 characters, stored trimmed.
--   * entry_date: the day the entry is about; default today in the token's `tz`
--     claim when it names a time zone, else in the author's time zone
--     (journal.authors.timezone), else UTC; a client sends entry_date to choose the day.
--   * content: Editor.js saved data, validated here (journal_private.content_text)
--     with errors naming the block index and field, at most 1 MB; or a sealed
--     envelope {"sealed": {"alg", "iv", "ciphertext"}} stored unread.
--   * plain_text, word_count, reading_minutes, search, sealed: derived by the
--     BEFORE trigger from title and content (empty for a sealed entry, whose
--     title alone stays searchable).
--   * image blocks: file.url is an http(s) URL or /storage/object/journalimages/<path>
--     (a variant: <path>~<variant>-<sha8>.<ext>) naming a ready object of the entry's
--     owner (422 journal.image_not_yours naming content.blocks[i].data.file.url);
--     image_paths, derived, lists those objects (empty for a sealed entry): the
--     bucket's read rule looks there (schema/journal/images_bucket). An edit checks
--     only paths the entry did not show before (a deleted upload does not make its
--     entry uneditable).
--   * version: optimistic concurrency as in publishing (409 journal.version_conflict).
--   * deleted_at: soft delete (PATCH deleted_at to any time: the server stamps now;
--     PATCH it to null to restore).
--   * views: counted in journal.entry_views (the owner's alone), not here.
--   * at most journal_private.settings.daily_entry_limit entries per user per UTC
--     day (429 journal.daily_limit).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- The module's settings: one row. Ops change it with plain SQL
-- (`update journal_private.settings set daily_entry_limit = 100;`).
create table journal_private.settings (
  -- a single row: the key is always true
  singleton boolean primary key default true constraint settings_singleton check (singleton),
  -- the review's limit: at most this many new entries per user per UTC day
  daily_entry_limit bigint not null default 50 constraint settings_daily_entry_limit check (daily_entry_limit > 0)
);
insert into journal_private.settings default values;
-- No policy: only the module's own SECURITY DEFINER functions read it.
alter table journal_private.settings enable row level security;
comment on table journal_private.settings is 'Journal settings (one row): daily_entry_limit.';

-- Today for the caller, in the author's time zone: the token's `tz` claim when it names
-- a time zone (a travelling device says where it is), else the caller's
-- journal.authors.timezone, else UTC. journal.authors comes later in the plan
-- (schema/journal/authors): until it exists (or after its revert) the claim or UTC.
create function journal_private.today() returns date
language plpgsql stable
set search_path = ''
as $$
declare
  tz text := auth.claims() ->> 'tz';
begin
  if tz is not null and pg_catalog.char_length(tz) <= 64 then
    begin
      return (pg_catalog.now() at time zone tz)::date;
    exception when invalid_parameter_value then
      null;  -- not a time zone: the author's below
    end;
  end if;
  if pg_catalog.to_regclass('journal.authors') is not null then
    -- the caller's own row (the authors' policy); a valid name (checked on write)
    select a.timezone into tz from journal.authors a where a.user_id = (select auth.uid());
    if tz is not null then
      return (pg_catalog.now() at time zone tz)::date;
    end if;
  end if;
  return (pg_catalog.now() at time zone 'UTC')::date;
end
$$;
comment on function journal_private.today() is
  'The default entry_date and the calendar''s today: in the token''s tz claim when it is a time zone, else the author''s timezone, else UTC.';
revoke execute on function journal_private.today() from public;
-- The column default runs as the writer.
grant usage on schema journal_private to authenticated;
grant execute on function journal_private.today() to authenticated;
select platform.declare_api_function('journal', 'journal_private.today()', array['authenticated'],
  'The default of journal.entries.entry_date, run as the writer; reads the caller''s own claims only.');

-- 422 journal.invalid_content naming the field (content.blocks[2].data.level).
create function journal_private.invalid_content(field text, problem text) returns void
language plpgsql stable
set search_path = ''
as $$
begin
  perform platform.raise_error(422, 'journal.invalid_content', field || ': ' || problem,
    pg_catalog.json_build_object('field', field)::text,
    'send Editor.js saved data {"blocks": [{"type": ..., "data": {...}}]} or a sealed envelope {"sealed": {"alg", "iv", "ciphertext"}}');
end
$$;
revoke execute on function journal_private.invalid_content(text, text) from public;

-- Editor.js inline markup out: tags dropped (<br> becomes a space), the
-- entities Editor.js writes decoded, white space collapsed.
create function journal_private.strip_markup(html text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.btrim(pg_catalog.regexp_replace(
    pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
      pg_catalog.replace(pg_catalog.replace(
        pg_catalog.regexp_replace(pg_catalog.regexp_replace(html, '<br\s*/?>', ' ', 'gi'), '<[^>]*>', '', 'g'),
        '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&'),
    '\s+', ' ', 'g'))
$$;
revoke execute on function journal_private.strip_markup(text) from public;

-- A string field of a block's data: its text without markup ('' when optional and absent).
create function journal_private.string_field(obj jsonb, key text, path text, required boolean, raw boolean default false)
returns text
language plpgsql stable
set search_path = ''
as $$
declare
  v jsonb := obj -> key;
begin
  if v is null or v = 'null'::jsonb then
    if required then
      perform journal_private.invalid_content(path || '.' || key, 'is required (a string)');
    end if;
    return '';
  end if;
  if pg_catalog.jsonb_typeof(v) <> 'string' then
    perform journal_private.invalid_content(path || '.' || key, 'must be a string');
  end if;
  return case when raw then v #>> '{}' else journal_private.strip_markup(v #>> '{}') end;
end
$$;
revoke execute on function journal_private.string_field(jsonb, text, text, boolean, boolean) from public;

-- A list's items: strings (Editor.js list 1.x) or {content, items} (nested list 2.x),
-- at most 10 levels deep. Answers their text.
create function journal_private.list_items_text(items jsonb, path text, depth integer) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  item jsonb;
  i integer := 0;
  parts text[] := '{}'::text[];
  p text;
begin
  if pg_catalog.jsonb_typeof(items) is distinct from 'array' then
    perform journal_private.invalid_content(path, 'must be an array of items');
  end if;
  if depth > 10 then
    perform journal_private.invalid_content(path, 'lists nest at most 10 levels deep');
  end if;
  for item in select value from pg_catalog.jsonb_array_elements(items) loop
    p := path || '[' || i || ']';
    if pg_catalog.jsonb_typeof(item) = 'string' then
      parts := parts || journal_private.strip_markup(item #>> '{}');
    elsif pg_catalog.jsonb_typeof(item) = 'object' then
      parts := parts || journal_private.string_field(item, 'content', p, true);
      if item ? 'items' then
        parts := parts || journal_private.list_items_text(item -> 'items', p || '.items', depth + 1);
      end if;
    else
      perform journal_private.invalid_content(p, 'must be a string or an object {content, items}');
    end if;
    i := i + 1;
  end loop;
  return pg_catalog.array_to_string(pg_catalog.array_remove(parts, ''), ' ');
end
$$;
revoke execute on function journal_private.list_items_text(jsonb, text, integer) from public;

-- THE content rule: validates an entry's content and answers its plain text
-- (null for a sealed envelope, which is never read). Raises 422
-- journal.invalid_content naming the first wrong field.
create function journal_private.content_text(content jsonb) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  blocks jsonb;
  block jsonb;
  data jsonb;
  item jsonb;
  cells jsonb;
  cell jsonb;
  kind text;
  k text;
  p text;
  dp text;
  i integer := 0;
  j integer;
  c integer;
  parts text[] := '{}'::text[];
begin
  if pg_catalog.jsonb_typeof(content) is distinct from 'object' then
    perform journal_private.invalid_content('content', 'must be an object {"blocks": [...]} or {"sealed": {...}}');
  end if;
  if content ? 'sealed' then
    if (select pg_catalog.count(*) from pg_catalog.jsonb_object_keys(content)) <> 1 then
      perform journal_private.invalid_content('content', 'a sealed entry holds "sealed" and nothing else');
    end if;
    if pg_catalog.jsonb_typeof(content -> 'sealed') is distinct from 'object' then
      perform journal_private.invalid_content('content.sealed', 'must be an object {alg, iv, ciphertext}');
    end if;
    foreach k in array array['alg', 'iv', 'ciphertext'] loop
      if pg_catalog.jsonb_typeof(content -> 'sealed' -> k) is distinct from 'string'
         or content -> 'sealed' ->> k = '' then
        perform journal_private.invalid_content('content.sealed.' || k, 'must be a non-empty string');
      end if;
    end loop;
    if pg_catalog.char_length(content -> 'sealed' ->> 'alg') > 64 or pg_catalog.char_length(content -> 'sealed' ->> 'iv') > 256 then
      perform journal_private.invalid_content('content.sealed', 'alg is at most 64 characters, iv at most 256');
    end if;
    return null;
  end if;
  if content ? 'time' and pg_catalog.jsonb_typeof(content -> 'time') <> 'number' then
    perform journal_private.invalid_content('content.time', 'must be a number (milliseconds since 1970)');
  end if;
  if content ? 'version' and pg_catalog.jsonb_typeof(content -> 'version') <> 'string' then
    perform journal_private.invalid_content('content.version', 'must be a string');
  end if;
  blocks := content -> 'blocks';
  if pg_catalog.jsonb_typeof(blocks) is distinct from 'array' then
    perform journal_private.invalid_content('content.blocks', 'must be an array of blocks');
  end if;
  for block in select value from pg_catalog.jsonb_array_elements(blocks) loop
    p := 'content.blocks[' || i || ']';
    dp := p || '.data';
    if pg_catalog.jsonb_typeof(block) <> 'object' then
      perform journal_private.invalid_content(p, 'must be an object {type, data}');
    end if;
    if block ? 'id' and pg_catalog.jsonb_typeof(block -> 'id') <> 'string' then
      perform journal_private.invalid_content(p || '.id', 'must be a string');
    end if;
    if pg_catalog.jsonb_typeof(block -> 'type') is distinct from 'string' then
      perform journal_private.invalid_content(p || '.type', 'is required (a string)');
    end if;
    kind := block ->> 'type';
    data := block -> 'data';
    if pg_catalog.jsonb_typeof(data) is distinct from 'object' then
      perform journal_private.invalid_content(dp, 'must be an object');
    end if;
    case kind
      when 'paragraph' then
        parts := parts || journal_private.string_field(data, 'text', dp, true);
      when 'header' then
        parts := parts || journal_private.string_field(data, 'text', dp, true);
        if pg_catalog.jsonb_typeof(data -> 'level') is distinct from 'number'
           or (data ->> 'level')::numeric not in (1, 2, 3, 4, 5, 6) then
          perform journal_private.invalid_content(dp || '.level', 'must be a whole number from 1 to 6');
        end if;
      when 'list' then
        if pg_catalog.jsonb_typeof(data -> 'style') is distinct from 'string'
           or data ->> 'style' not in ('ordered', 'unordered') then
          perform journal_private.invalid_content(dp || '.style', 'must be "ordered" or "unordered"');
        end if;
        parts := parts || journal_private.list_items_text(data -> 'items', dp || '.items', 1);
      when 'checklist' then
        if pg_catalog.jsonb_typeof(data -> 'items') is distinct from 'array' then
          perform journal_private.invalid_content(dp || '.items', 'must be an array of {text, checked}');
        end if;
        j := 0;
        for item in select value from pg_catalog.jsonb_array_elements(data -> 'items') loop
          if pg_catalog.jsonb_typeof(item) is distinct from 'object' then
            perform journal_private.invalid_content(dp || '.items[' || j || ']', 'must be an object {text, checked}');
          end if;
          parts := parts || journal_private.string_field(item, 'text', dp || '.items[' || j || ']', true);
          if pg_catalog.jsonb_typeof(item -> 'checked') is distinct from 'boolean' then
            perform journal_private.invalid_content(dp || '.items[' || j || '].checked', 'must be true or false');
          end if;
          j := j + 1;
        end loop;
      when 'quote' then
        parts := parts || journal_private.string_field(data, 'text', dp, true)
                       || journal_private.string_field(data, 'caption', dp, false);
      when 'code' then
        parts := parts || journal_private.string_field(data, 'code', dp, true, raw => true);
      when 'delimiter' then
        null;
      when 'table' then
        if data ? 'withHeadings' and pg_catalog.jsonb_typeof(data -> 'withHeadings') <> 'boolean' then
          perform journal_private.invalid_content(dp || '.withHeadings', 'must be true or false');
        end if;
        if pg_catalog.jsonb_typeof(data -> 'content') is distinct from 'array' then
          perform journal_private.invalid_content(dp || '.content', 'must be an array of rows');
        end if;
        j := 0;
        for cells in select value from pg_catalog.jsonb_array_elements(data -> 'content') loop
          if pg_catalog.jsonb_typeof(cells) is distinct from 'array' then
            perform journal_private.invalid_content(dp || '.content[' || j || ']', 'must be an array of cells');
          end if;
          c := 0;
          for cell in select value from pg_catalog.jsonb_array_elements(cells) loop
            if pg_catalog.jsonb_typeof(cell) is distinct from 'string' then
              perform journal_private.invalid_content(dp || '.content[' || j || '][' || c || ']', 'must be a string');
            end if;
            parts := parts || journal_private.strip_markup(cell #>> '{}');
            c := c + 1;
          end loop;
          j := j + 1;
        end loop;
      when 'image' then
        -- an http(s) URL, or an object of the journalimages bucket (or one of its
        -- variants); whose object it is: journal_private.content_image_paths
        if pg_catalog.jsonb_typeof(data -> 'file') is distinct from 'object'
           or pg_catalog.jsonb_typeof(data -> 'file' -> 'url') is distinct from 'string'
           or data -> 'file' ->> 'url' !~ '^(https?://[^[:space:]]+|/storage/object/journalimages/[A-Za-z0-9._/-]+(~[a-z][a-z0-9_]{0,23}-[0-9a-f]{8}\.[a-z]{3,4})?)$'
           or pg_catalog.char_length(data -> 'file' ->> 'url') > 2000 then
          perform journal_private.invalid_content(dp || '.file.url',
            'must be an http(s) URL or /storage/object/journalimages/<path>, at most 2000 characters');
        end if;
        parts := parts || journal_private.string_field(data, 'caption', dp, false);
      else
        perform journal_private.invalid_content(p || '.type', pg_catalog.format(
          'unknown block type %s: use paragraph, header, list, checklist, quote, code, delimiter, table or image',
          pg_catalog.quote_literal(kind)));
    end case;
    i := i + 1;
  end loop;
  return pg_catalog.array_to_string(pg_catalog.array_remove(parts, ''), E'\n');
end
$$;
comment on function journal_private.content_text(jsonb) is
  'Validates an entry''s Editor.js content (422 journal.invalid_content naming block and field) and answers its plain text; null for a sealed envelope.';
revoke execute on function journal_private.content_text(jsonb) from public;

-- The journalimages object paths (schema/journal/images_bucket) an entry's validated,
-- unsealed content shows. A path
-- not in `known` (the entry's previous paths) must be a ready object of `owner`, else
-- 422 journal.image_not_yours naming the block. Runs inside guard_entry (SECURITY
-- DEFINER): storage_private.ready_object_at (functions/core/storage_rules, earlier in
-- the plan) finds the object the URL names past the policies; the owner is compared here.
create function journal_private.content_image_paths(content jsonb, owner uuid, known text[]) returns text[]
language plpgsql stable
set search_path = ''
as $$
declare
  block jsonb;
  url text;
  object_path text;
  i integer := 0;
  paths text[] := '{}'::text[];
begin
  for block in select value from pg_catalog.jsonb_array_elements(content -> 'blocks') loop
    if block ->> 'type' = 'image' then
      url := block -> 'data' -> 'file' ->> 'url';
      if url like '/storage/%' then
        object_path := pg_catalog.split_part(
          pg_catalog.substr(url, pg_catalog.length('/storage/object/journalimages/') + 1), '~', 1);
        if not (object_path = any (known))
           and not exists (select from storage_private.ready_object_at(url) o
                            where o.bucket_id = 'journalimages' and o.owner_id = content_image_paths.owner) then
          perform platform.raise_error(422, 'journal.image_not_yours',
            pg_catalog.format('content.blocks[%s].data.file.url: must name a ready image of yours in the journalimages bucket', i),
            pg_catalog.json_build_object('field', pg_catalog.format('content.blocks[%s].data.file.url', i))::text,
            'upload it first: POST /storage/object/journalimages/<your user id>/<file>');
        end if;
        if not (object_path = any (paths)) then
          paths := paths || object_path;
        end if;
      end if;
    end if;
    i := i + 1;
  end loop;
  return paths;
end
$$;
comment on function journal_private.content_image_paths(jsonb, uuid, text[]) is
  'The journalimages paths an entry''s content shows; new ones must be ready objects of the owner (422 journal.image_not_yours).';
revoke execute on function journal_private.content_image_paths(jsonb, uuid, text[]) from public;

create table journal.entries (
  id uuid primary key default pg_catalog.gen_random_uuid(),
  -- the writer; the policies compare it with auth.uid()
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  -- stored trimmed by the trigger; users write it
  title text not null
    constraint entries_title_length check (pg_catalog.char_length(title) between 1 and 255 and title = pg_catalog.btrim(title)),
  entry_date date not null default journal_private.today()
    constraint entries_entry_date_range check (entry_date between '1900-01-01' and '2999-12-31'),
  content jsonb not null default '{"blocks": []}'
    constraint entries_content_size check (pg_catalog.octet_length(content::text) <= 1048576),
  is_public boolean not null default false,
  -- derived by the trigger from content (empty for a sealed entry)
  sealed boolean not null default false,
  plain_text text not null default '',
  word_count bigint not null default 0,
  reading_minutes bigint not null default 0,
  search tsvector,
  -- derived by the trigger: the journalimages objects the content shows
  image_paths text[] not null default '{}',
  version bigint not null default 1,
  deleted_at timestamptz,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  -- entry_tags names (entry, owner): an entry carries only its owner's tags
  constraint entries_id_owner_key unique (id, owner_id)
);
comment on table journal.entries is
  'Diary entries (Editor.js content or a sealed envelope). PATCH with {version} is refused on a stale version (409).';
comment on column journal.entries.version is 'Send it back with a PATCH: a stale version is refused with 409.';
comment on column journal.entries.deleted_at is 'Soft delete: PATCH any time to move to the trash, null to restore.';

-- The owner's list (newest day first, keyset by entry_date, created_at) and the
-- policies' owner_id filter; the daily limit counts by (owner_id, created_at).
create index entries_owner_date_idx on journal.entries (owner_id, entry_date desc, created_at desc);
create index entries_owner_created_idx on journal.entries (owner_id, created_at);
-- The public feed: public, not deleted, newest first.
create index entries_public_feed_idx on journal.entries (entry_date desc, created_at desc)
  where is_public and deleted_at is null;
create index entries_search_idx on journal.entries using gin (search);

-- Validation, derived columns, version and soft delete. SECURITY DEFINER with
-- an empty search_path: it reads no table, computes from NEW and OLD only, and
-- its helpers (journal_private.*) then need no EXECUTE for API roles.
create function journal_private.guard_entry() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  body text;
begin
  new.updated_at := pg_catalog.now();
  if new.title is not null then
    new.title := pg_catalog.btrim(new.title);
  end if;
  if new.title is null or pg_catalog.char_length(new.title) not between 1 and 255 then
    perform platform.raise_error(422, 'journal.invalid_title', 'title: must be 1 to 255 characters (after trimming)',
      '{"field": "title"}');
  end if;
  if new.entry_date is null or new.entry_date not between '1900-01-01' and '2999-12-31' then
    perform platform.raise_error(422, 'journal.invalid_entry_date', 'entry_date: must be a day between 1900-01-01 and 2999-12-31',
      '{"field": "entry_date"}');
  end if;
  if new.content is null or pg_catalog.octet_length(new.content::text) > 1048576 then
    perform platform.raise_error(413, 'journal.content_too_large',
      'content: at most 1 MB (1,048,576 bytes of JSON)', '{"field": "content"}', 'split the entry in two');
  end if;
  if tg_op = 'INSERT' then
    new.version := 1;
    new.deleted_at := null;
  else
    if new.version is distinct from old.version then
      perform platform.raise_error(409, 'journal.version_conflict',
        pg_catalog.format('version %s is stale: the entry is at version %s', new.version, old.version),
        pg_catalog.json_build_object('current_version', old.version)::text,
        'reload the entry, reapply your change, and send the current version');
    end if;
    -- soft delete: the server's clock stamps it, once
    if new.deleted_at is not null then
      new.deleted_at := coalesce(old.deleted_at, pg_catalog.now());
    end if;
    if old.deleted_at is not null and new.deleted_at is not null
       and (new.title, new.entry_date, new.content, new.is_public)
           is distinct from (old.title, old.entry_date, old.content, old.is_public) then
      perform platform.raise_error(409, 'journal.entry_deleted', 'the entry is in the trash: restore it before editing',
        null, 'PATCH deleted_at to null first');
    end if;
  end if;
  if tg_op = 'INSERT' or new.content is distinct from old.content or new.title is distinct from old.title then
    body := journal_private.content_text(new.content);
    new.sealed := body is null;
    new.plain_text := coalesce(body, '');
    new.word_count := coalesce(pg_catalog.array_length(pg_catalog.regexp_split_to_array(
      nullif(pg_catalog.btrim(new.plain_text), ''), '\s+'), 1), 0);
    -- 200 words a minute, at least one minute for any text
    new.reading_minutes := pg_catalog.ceil(new.word_count / 200.0)::bigint;
    new.search := pg_catalog.setweight(pg_catalog.to_tsvector('simple'::regconfig, new.title), 'A')
               || pg_catalog.setweight(pg_catalog.to_tsvector('simple'::regconfig, pg_catalog.left(new.plain_text, 500000)), 'B');
  end if;
  -- the journalimages objects the content shows, each the owner's (checked when new)
  if tg_op = 'INSERT' or new.content is distinct from old.content then
    new.image_paths := case when new.sealed then '{}'::text[]
                            else journal_private.content_image_paths(new.content, new.owner_id,
                                   case when tg_op = 'UPDATE' then old.image_paths else '{}'::text[] end) end;
  end if;
  if tg_op = 'UPDATE' then
    -- views (record_view) bump neither the version nor updated_at
    if (new.title, new.entry_date, new.content, new.is_public, new.deleted_at)
       is distinct from (old.title, old.entry_date, old.content, old.is_public, old.deleted_at) then
      new.version := old.version + 1;
    else
      new.updated_at := old.updated_at;
    end if;
  end if;
  return new;
end
$$;
comment on function journal_private.guard_entry() is
  'Entries: title, entry_date and content validation, derived text, word count, reading time, search, image paths, version and soft delete.';
revoke execute on function journal_private.guard_entry() from public;

create trigger entries_guard before insert or update on journal.entries
  for each row execute function journal_private.guard_entry();

-- The daily limit, after the statement so a bulk POST counts every row it
-- adds. SECURITY DEFINER: counts the writer's entries whatever the policies,
-- deleted ones included (deleting does not give back a slot); an advisory
-- lock per owner serialises two writers of one diary.
create function journal_private.enforce_daily_limit() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  owner uuid;
  day_start timestamptz := pg_catalog.date_trunc('day', pg_catalog.now() at time zone 'UTC') at time zone 'UTC';
  most bigint := (select s.daily_entry_limit from journal_private.settings s);
  written bigint;
begin
  for owner in select distinct n.owner_id from new_rows n order by 1 loop
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('journal.entries.daily:' || owner::text, 0));
    select pg_catalog.count(*) into written from journal.entries e
     where e.owner_id = owner and e.created_at >= day_start;
    if written > most then
      perform platform.raise_error(429, 'journal.daily_limit',
        pg_catalog.format('at most %s new entries per day: this would be %s', most, written),
        pg_catalog.json_build_object('limit', most, 'count', written)::text,
        'write tomorrow (UTC), or edit an entry of today');
    end if;
  end loop;
  return null;
end
$$;
revoke execute on function journal_private.enforce_daily_limit() from public;

create trigger entries_daily_limit after insert on journal.entries
  referencing new table as new_rows
  for each statement execute function journal_private.enforce_daily_limit();

alter table journal.entries enable row level security;

commit;
