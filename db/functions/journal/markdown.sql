-- Deploy platform:functions/journal/markdown to pg
-- requires: rls/journal/entries
-- requires: rls/journal/tags
-- requires: functions/core/auth_claims
--
-- Entries as Markdown, through PostgREST 12's media type handlers:
--   GET /entries?id=eq.<id>   Accept: text/markdown   (Accept-Profile: journal)
-- answers the selected entries as one Markdown document. PostgREST 12.0.2 finds
-- the aggregate journal.markdown_agg(journal.entries) because it returns the
-- domain journal."text/markdown" (a media type named as a domain) and lives in
-- an exposed schema; it runs as the caller over the rows the policies let them
-- read (anonymous callers: public, live entries; their tags stay private).
--
-- The renderer (journal_private.md_*), one Editor.js block type at a time:
--   paragraph  inline HTML to Markdown: <b>/<strong> **, <i>/<em> *, <s>/<del> ~~,
--              <mark> ==, <code> `...` (a longer run of backticks when the code
--              holds some), <a href> [text](url) (http, https and mailto only;
--              other links keep their text), <br> a hard line break; other tags
--              dropped, entities decoded, Markdown's special characters escaped
--   header     # to ###### by level
--   list       - or 1. items, nested items indented under their parent
--   checklist  - [ ] / - [x]
--   quote      > lines, the caption as a last "> — caption" line
--   code       a fence of backticks longer than any run inside the code
--   delimiter  ---
--   table      a pipe table; without headings the header row is empty
--   image      ![caption](url)
-- A sealed entry renders as a note: its ciphertext is never written out.
-- An entry: "# title", the day in italics and its tags, then its blocks.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- The media type, as PostgREST 12 reads it: a domain whose name is the type.
create domain journal."text/markdown" as text;
comment on domain journal."text/markdown" is
  'Markdown (PostgREST media type handler): what journal.markdown_agg answers for Accept: text/markdown.';

-- The aggregate's helpers run as the caller, anonymous readers of public
-- entries included (storage_private does the same): name resolution only,
-- every function below still needs its own EXECUTE grant.
grant usage on schema journal_private to anon;

-- Markdown's special characters escaped with a backslash (CommonMark escapes
-- any ASCII punctuation), white space collapsed; a line that would start a
-- list, a setext heading or a numbered item is escaped too.
create function journal_private.md_escape(plain text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.regexp_replace(pg_catalog.regexp_replace(
    pg_catalog.regexp_replace(coalesce(plain, ''), '([\\`*_\[\]<>#|~&!])', '\\\1', 'g'),
    '(^|\n)([-+=])', '\1\\\2', 'g'),
    '(^|\n)([0-9]+)([.)])', '\1\2\\\3', 'g')
$$;
comment on function journal_private.md_escape(text) is
  'Plain text made safe for Markdown: special characters and line-start markers escaped.';
revoke execute on function journal_private.md_escape(text) from public;
grant execute on function journal_private.md_escape(text) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_escape(text)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure text, reads no table.');

-- Plain text (a title, a tag name) as Markdown: one line, escaped.
create function journal_private.md_plain(plain text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select journal_private.md_escape(pg_catalog.btrim(pg_catalog.regexp_replace(coalesce(plain, ''), '[[:space:][:cntrl:]]+', ' ', 'g')))
$$;
revoke execute on function journal_private.md_plain(text) from public;
grant execute on function journal_private.md_plain(text) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_plain(text)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure text, reads no table.');

-- A URL inside (...): the characters that would end or break the link encoded.
create function journal_private.md_url(url text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
    pg_catalog.regexp_replace(coalesce(url, ''), '[[:space:][:cntrl:]]+', '%20', 'g'),
    '(', '%28'), ')', '%29'), '<', '%3C'), '>', '%3E'), '\', '%5C')
$$;
revoke execute on function journal_private.md_url(text) from public;
grant execute on function journal_private.md_url(text) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_url(text)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure text, reads no table.');

-- The entities Editor.js writes, decoded (as journal_private.strip_markup does).
create function journal_private.md_entities(html text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
    pg_catalog.replace(html, '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&')
$$;
revoke execute on function journal_private.md_entities(text) from public;
grant execute on function journal_private.md_entities(text) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_entities(text)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure text, reads no table.');

-- The end of an inline rendering: spaces collapsed and trimmed, a line that
-- would start a list, a setext heading or a numbered item escaped, hard
-- breaks (chr(1) while rendering) written as a backslash at the end of a line.
create function journal_private.md_finish(rendered text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
           pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(rendered,
             ' *' || pg_catalog.chr(1) || '[ ' || pg_catalog.chr(1) || ']*', pg_catalog.chr(1), 'g'),
             ' {2,}', ' ', 'g'), ' ' || pg_catalog.chr(1)),
           '(^|' || pg_catalog.chr(1) || ')([-+=])', '\1\\\2', 'g'),
           '(^|' || pg_catalog.chr(1) || ')([0-9]+)([.)])', '\1\2\\\3', 'g'),
         pg_catalog.chr(1), E'\\\n')
$$;
revoke execute on function journal_private.md_finish(text) from public;
grant execute on function journal_private.md_finish(text) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_finish(text)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure text, reads no table.');

-- Inline HTML without code, in a fixed number of passes (a tag-by-tag
-- walk costs about 8 microseconds a tag): emphasis tags become placeholders,
-- the spaces inside an element's edges move out (`**bold** `, not `**bold **`),
-- empty elements vanish, other tags go, the text is escaped, the placeholders
-- become markers. Mis-nested or unclosed tags are not repaired here.
create function journal_private.md_inline_simple(html text, breaks boolean) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  s text := pg_catalog.regexp_replace(html, '[\x01-\x08\x0b\x0e-\x1f\x7f]', '', 'g');
  emphasis constant text := '(b|strong|i|em|s|del|strike|mark)';
begin
  s := pg_catalog.regexp_replace(s, '<br\s*/?>', case when breaks then pg_catalog.chr(1) else ' ' end, 'gi');
  -- links (http, https, mailto): chr(6) chr(14) url chr(15) text chr(7), put
  -- together as [text](<url>) once the text is escaped (backslash escapes
  -- are valid in a <...> destination, which also takes spaces and parentheses)
  s := pg_catalog.regexp_replace(s, '<a\s([^>]*\s)?href\s*=\s*"((https?:|mailto:)[^"]*)"[^>]*>',
                                 pg_catalog.chr(6) || pg_catalog.chr(14) || '\2' || pg_catalog.chr(15), 'gi');
  s := pg_catalog.regexp_replace(s, '</a\s*>', pg_catalog.chr(7), 'gi');
  for pass in 1..2 loop
    s := pg_catalog.regexp_replace(s, '(<' || emphasis || '(\s[^>]*)?>)(\s+)', '\4\1', 'gi');
    s := pg_catalog.regexp_replace(s, '(\s+)(</' || emphasis || '\s*>)', '\2\1', 'gi');
    -- (no back reference: they make PostgreSQL's regular expressions ten times slower)
    s := pg_catalog.regexp_replace(s, '<' || emphasis || '(\s[^>]*)?></' || emphasis || '\s*>', '', 'gi');
  end loop;
  s := pg_catalog.regexp_replace(s, '</?(b|strong)(\s[^>]*)?>', pg_catalog.chr(2), 'gi');
  s := pg_catalog.regexp_replace(s, '</?(i|em)(\s[^>]*)?>', pg_catalog.chr(3), 'gi');
  s := pg_catalog.regexp_replace(s, '</?(s|del|strike)(\s[^>]*)?>', pg_catalog.chr(4), 'gi');
  s := pg_catalog.regexp_replace(s, '</?mark(\s[^>]*)?>', pg_catalog.chr(5), 'gi');
  s := pg_catalog.regexp_replace(s, '<[^>]*>', '', 'g');
  if pg_catalog.strpos(s, '&') > 0 then
    s := journal_private.md_entities(s);
  end if;
  s := pg_catalog.regexp_replace(s, '\s+', ' ', 'g');
  s := pg_catalog.regexp_replace(s, '([\\`*_\[\]<>#|~&!])', '\\\1', 'g');
  s := pg_catalog.regexp_replace(s, '\x06\x0e[^\x0f]*\x0f *\x07', '', 'g');  -- a link without text: nothing
  s := pg_catalog.regexp_replace(s, '\x06\x0e([^\x0f]*)\x0f([^\x06\x07]*)\x07', '[\2](<\1>)', 'g');
  s := pg_catalog.replace(pg_catalog.regexp_replace(s, '\x06\x0e[^\x0f]*\x0f', '', 'g'), pg_catalog.chr(7), '');
  s := pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(s,
         pg_catalog.chr(2), '**'), pg_catalog.chr(3), '*'), pg_catalog.chr(4), '~~'), pg_catalog.chr(5), '==');
  return journal_private.md_finish(s);
end
$$;
revoke execute on function journal_private.md_inline_simple(text, boolean) from public;
grant execute on function journal_private.md_inline_simple(text, boolean) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_inline_simple(text, boolean)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure text, reads no table.');

-- Editor.js inline HTML to Markdown (see the header). breaks = false turns <br>
-- into a space (headings, table cells, captions of one line).
create function journal_private.md_inline(html text, breaks boolean default true) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  piece text;
  tag text;
  mark text;
  words text;
  spaces text;
  href text;
  fence text;
  result text := '';
  pending text := '';        -- opening markers waiting for their first word
  open_marks text[] := '{}'::text[]; -- markers written or pending, innermost last
  code text;                 -- inside <code>: its text so far
  link text;                 -- inside <a href>: the URL
  i integer;
begin
  if html is null or html = '' then
    return '';
  end if;
  if pg_catalog.strpos(html, '<') = 0 and pg_catalog.strpos(html, '&') = 0 then
    return journal_private.md_plain(html);  -- no markup: the common, fast case
  end if;
  if html !~* '<\s*/?\s*code(\s|>)' then
    return journal_private.md_inline_simple(html, breaks);  -- no code: a few passes
  end if;
  for piece in select m[1] from pg_catalog.regexp_matches(html, '(<[^>]*>|[^<]+|<)', 'g') m loop
    if pg_catalog.left(piece, 1) = '<' and pg_catalog.right(piece, 1) = '>' then
      tag := pg_catalog.lower(pg_catalog.substring(piece, '^</?\s*([A-Za-z0-9]+)'));
      if tag = 'br' then
        if code is not null then
          code := code || ' ';
        elsif breaks then
          result := result || pg_catalog.chr(1);  -- a hard break, written at the end
        else
          result := result || ' ';
        end if;
        continue;
      end if;
      if tag = 'code' then
        if piece !~ '^</' then
          code := coalesce(code, '');
        elsif code is not null then
          code := pg_catalog.btrim(code);
          if code <> '' then
            fence := pg_catalog.repeat('`', coalesce((select pg_catalog.max(pg_catalog.length(r[1]))
                                                       from pg_catalog.regexp_matches(code, '(`+)', 'g') r), 0) + 1);
            if code ~ '^`' or code ~ '`$' then
              code := ' ' || code || ' ';
            end if;
            result := result || pending || fence || code || fence;
            pending := '';
          end if;
          code := null;
        end if;
        continue;
      end if;
      if tag = 'a' then
        if piece !~ '^</' then
          href := journal_private.md_entities(pg_catalog.substring(piece, '[Hh][Rr][Ee][Ff]\s*=\s*"([^"]*)"'));
          if link is null and href ~* '^(https?:|mailto:)' then
            link := href;
            pending := pending || '[';
            open_marks := open_marks || '['::text;
          end if;
        elsif link is not null then
          i := pg_catalog.array_position(open_marks, '[');
          -- markers opened inside the link close before it
          while pg_catalog.cardinality(open_marks) > i loop
            mark := open_marks[pg_catalog.cardinality(open_marks)];
            open_marks := open_marks[1:pg_catalog.cardinality(open_marks) - 1];
            if pg_catalog.right(pending, pg_catalog.length(mark)) = mark then
              pending := pg_catalog.left(pending, -pg_catalog.length(mark));
            else
              spaces := pg_catalog.substring(result, ' *$');
              result := pg_catalog.rtrim(result, ' ') || mark || spaces;
            end if;
          end loop;
          open_marks := open_marks[1:i - 1];
          if pg_catalog.right(pending, 1) = '[' then
            pending := pg_catalog.left(pending, -1);  -- a link without text: nothing
          else
            spaces := pg_catalog.substring(result, ' *$');
            result := pg_catalog.rtrim(result, ' ') || '](' || journal_private.md_url(link) || ')' || spaces;
          end if;
          link := null;
        end if;
        continue;
      end if;
      mark := case tag when 'b' then '**' when 'strong' then '**' when 'i' then '*' when 'em' then '*'
                       when 's' then '~~' when 'del' then '~~' when 'strike' then '~~' when 'mark' then '==' end;
      if mark is null or code is not null then
        continue;  -- any other tag: dropped, its text kept
      end if;
      if piece !~ '^</' then
        pending := pending || mark;
        open_marks := open_marks || mark;
      else
        -- only the innermost marker closes (mis-nested HTML keeps its text)
        if open_marks[pg_catalog.cardinality(open_marks)] = mark then
          open_marks := open_marks[1:pg_catalog.cardinality(open_marks) - 1];
          if pg_catalog.right(pending, pg_catalog.length(mark)) = mark then
            pending := pg_catalog.left(pending, -pg_catalog.length(mark));  -- nothing inside: nothing
          else
            -- a closing marker hugs its last word: `**bold** ` not `**bold **`
            spaces := pg_catalog.substring(result, ' *$');
            result := pg_catalog.rtrim(result, ' ') || mark || spaces;
          end if;
        end if;
      end if;
    else
      words := case when pg_catalog.strpos(piece, '&') > 0 then journal_private.md_entities(piece) else piece end;
      words := pg_catalog.regexp_replace(words, '[[:space:][:cntrl:]]+', ' ', 'g');
      if code is not null then
        code := code || words;
      elsif words ~ '[^ ]' then
        -- an opening marker hugs its first word: ` **bold**` not `** bold**`
        result := result || pg_catalog.substring(words, '^ *') || pending
               || pg_catalog.regexp_replace(pg_catalog.ltrim(words, ' '), '([\\`*_\[\]<>#|~&!])', '\\\1', 'g');
        pending := '';
      elsif words <> '' then
        result := result || ' ';
      end if;
    end if;
  end loop;
  -- malformed HTML: unclosed code and markers are closed
  if code is not null and pg_catalog.btrim(code) <> '' then
    result := result || pending || '`' || pg_catalog.replace(pg_catalog.btrim(code), '`', '') || '`';
    pending := '';
  end if;
  for i in reverse pg_catalog.cardinality(open_marks)..1 loop
    mark := open_marks[i];
    if pg_catalog.right(pending, pg_catalog.length(mark)) = mark then
      pending := pg_catalog.left(pending, -pg_catalog.length(mark));
    elsif mark = '[' then
      result := pg_catalog.rtrim(result, ' ') || '](' || journal_private.md_url(link) || ')';
    else
      result := pg_catalog.rtrim(result, ' ') || mark;
    end if;
  end loop;
  return journal_private.md_finish(result);
end
$$;
comment on function journal_private.md_inline(text, boolean) is
  'Editor.js inline HTML as Markdown: b/strong, i/em, s/del, mark, code, a (http, https, mailto), br; other tags dropped, text escaped.';
revoke execute on function journal_private.md_inline(text, boolean) from public;
grant execute on function journal_private.md_inline(text, boolean) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_inline(text, boolean)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure text, reads no table.');

-- A list's items (strings, or {content, items} nested), each line indented by
-- `indent`; a nested list sits under its parent's text.
create function journal_private.md_list(items jsonb, ordered boolean, indent text default '') returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  item jsonb;
  n integer := 0;
  marker text;
  pad text;
  body text;
  children text;
  lines text[] := '{}'::text[];
begin
  if pg_catalog.jsonb_typeof(items) is distinct from 'array' then
    return '';
  end if;
  for item in select value from pg_catalog.jsonb_array_elements(items) loop
    n := n + 1;
    marker := case when ordered then n || '. ' else '- ' end;
    pad := indent || pg_catalog.repeat(' ', pg_catalog.length(marker));
    if pg_catalog.jsonb_typeof(item) = 'object' then
      body := journal_private.md_inline(item ->> 'content');
      children := journal_private.md_list(item -> 'items', ordered, pad);
    else
      body := journal_private.md_inline(item #>> '{}');
      children := '';
    end if;
    lines := lines || (pg_catalog.rtrim(indent || marker || pg_catalog.replace(body, E'\n', E'\n' || pad), ' ')
                       || case when children <> '' then E'\n' || children else '' end);
  end loop;
  return pg_catalog.array_to_string(lines, E'\n');
end
$$;
revoke execute on function journal_private.md_list(jsonb, boolean, text) from public;
grant execute on function journal_private.md_list(jsonb, boolean, text) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_list(jsonb, boolean, text)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure text, reads no table.');

-- One block as Markdown ('' for a block with nothing to show).
create function journal_private.md_block(block jsonb) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  data jsonb := block -> 'data';
  body text;
  fence text;
  cols integer;
  row_cells jsonb;
  rows_md text[] := '{}'::text[];
  cells text[];
  heading boolean;
begin
  case block ->> 'type'
    when 'paragraph' then
      return journal_private.md_inline(data ->> 'text');
    when 'header' then
      body := journal_private.md_inline(data ->> 'text', false);
      return case when body = '' then ''
                  else pg_catalog.repeat('#', least(greatest(coalesce((data ->> 'level')::numeric::integer, 2), 1), 6))
                       || ' ' || body end;
    when 'list' then
      return journal_private.md_list(data -> 'items', data ->> 'style' = 'ordered');
    when 'checklist' then
      return (select coalesce(pg_catalog.string_agg(
                case when (i.value -> 'checked') = 'true'::jsonb then '- [x] ' else '- [ ] ' end
                || pg_catalog.replace(journal_private.md_inline(i.value ->> 'text'), E'\n', E'\n      '),
                E'\n' order by i.ordinality), '')
                from pg_catalog.jsonb_array_elements(data -> 'items') with ordinality i);
    when 'quote' then
      body := journal_private.md_inline(data ->> 'text');
      if journal_private.md_inline(data ->> 'caption', false) <> '' then
        body := body || E'\n\n— ' || journal_private.md_inline(data ->> 'caption', false);
      end if;
      return '> ' || pg_catalog.replace(pg_catalog.replace(body, E'\n', E'\n> '), E'> \n', E'>\n');
    when 'code' then
      body := pg_catalog.regexp_replace(coalesce(data ->> 'code', ''), '\n$', '');
      -- a fence longer than any run of backticks in the code (at least three)
      fence := pg_catalog.repeat('`', greatest(3, coalesce((select pg_catalog.max(pg_catalog.length(r[1]))
                                                              from pg_catalog.regexp_matches(body, '(`+)', 'g') r), 0) + 1));
      return fence || E'\n' || body || E'\n' || fence;
    when 'delimiter' then
      return '---';
    when 'table' then
      cols := (select pg_catalog.max(pg_catalog.jsonb_array_length(r.value))
                 from pg_catalog.jsonb_array_elements(data -> 'content') r
                where pg_catalog.jsonb_typeof(r.value) = 'array');
      if coalesce(cols, 0) = 0 then
        return '';
      end if;
      heading := coalesce((data -> 'withHeadings') = 'true'::jsonb, false);
      if not heading then
        -- a pipe table needs a header row: an empty one
        rows_md := rows_md || ('|' || pg_catalog.repeat('  |', cols));
        rows_md := rows_md || ('|' || pg_catalog.repeat(' --- |', cols));
      end if;
      for row_cells in select r.value from pg_catalog.jsonb_array_elements(data -> 'content') with ordinality r
                        order by r.ordinality loop
        cells := '{}'::text[];
        for c in 0..cols - 1 loop
          cells := cells || journal_private.md_inline(row_cells ->> c, false);
        end loop;
        rows_md := rows_md || ('| ' || pg_catalog.array_to_string(cells, ' | ') || ' |');
        if heading then
          rows_md := rows_md || ('|' || pg_catalog.repeat(' --- |', cols));
          heading := false;
        end if;
      end loop;
      return pg_catalog.array_to_string(rows_md, E'\n');
    when 'image' then
      return '![' || journal_private.md_inline(data ->> 'caption', false) || ']('
             || journal_private.md_url(data -> 'file' ->> 'url') || ')';
    else
      return '';
  end case;
end
$$;
comment on function journal_private.md_block(jsonb) is
  'One Editor.js block as Markdown (paragraph, header, list, checklist, quote, code, delimiter, table, image).';
revoke execute on function journal_private.md_block(jsonb) from public;
grant execute on function journal_private.md_block(jsonb) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_block(jsonb)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure JSON to text, reads no table.');

-- An entry as Markdown: "# title", the day and tags, then its blocks; a sealed
-- entry's content is never read, only noted.
create function journal_private.md_entry(title text, entry_date date, tags text[], content jsonb) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  doc text := '# ' || journal_private.md_plain(title) || E'\n\n*' || entry_date::text || '*';
  block jsonb;
  md text;
begin
  if pg_catalog.cardinality(tags) > 0 then
    doc := doc || ' · ' || pg_catalog.array_to_string(
      array(select journal_private.md_plain(t.name) from pg_catalog.unnest(tags) with ordinality t(name, n) order by t.n), ', ');
  end if;
  if content ? 'sealed' then
    return doc || E'\n\n> *This entry is sealed (end-to-end encrypted): its content is not shown.*';
  end if;
  if pg_catalog.jsonb_typeof(content -> 'blocks') = 'array' then
    for block in select b.value from pg_catalog.jsonb_array_elements(content -> 'blocks') b loop
      md := journal_private.md_block(block);
      if md <> '' then
        doc := doc || E'\n\n' || md;
      end if;
    end loop;
  end if;
  return doc;
end
$$;
comment on function journal_private.md_entry(text, date, text[], jsonb) is
  'An entry as Markdown: # title, the day and tags, the blocks; a sealed entry as a note, never its ciphertext.';
revoke execute on function journal_private.md_entry(text, date, text[], jsonb) from public;
grant execute on function journal_private.md_entry(text, date, text[], jsonb) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.md_entry(text, date, text[], jsonb)', array['anon', 'authenticated'],
  'Markdown rendering for the text/markdown handler, run as the reader; pure text, reads no table.');

-- The aggregate's step: the document so far, a blank line, the next entry.
-- Tags are read only for the caller's own entries (they are private, also on
-- public entries), in a branch anonymous readers never reach: they have no
-- grant on tags.
create function journal_private.markdown_step(document journal."text/markdown", entry journal.entries)
returns journal."text/markdown"
language plpgsql stable
set search_path = ''
as $$
declare
  tags text[] := '{}'::text[];
begin
  if entry.owner_id = (select auth.uid()) then
    select coalesce(pg_catalog.array_agg(t.name order by pg_catalog.lower(t.name)), '{}') into tags
      from journal.entry_tags et
      join journal.tags t on t.id = et.tag_id and t.owner_id = et.owner_id
     where et.entry_id = entry.id and et.owner_id = entry.owner_id;
  end if;
  return case when document = '' then '' else document || E'\n\n' end
      || journal_private.md_entry(entry.title, entry.entry_date, tags, entry.content);
end
$$;
comment on function journal_private.markdown_step(journal."text/markdown", journal.entries) is
  'The step of journal.markdown_agg: appends an entry as Markdown (its tags when it is the caller''s).';
revoke execute on function journal_private.markdown_step(journal."text/markdown", journal.entries) from public;
grant execute on function journal_private.markdown_step(journal."text/markdown", journal.entries) to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.markdown_step(journal."text/markdown", journal.entries)',
  array['anon', 'authenticated'],
  'SECURITY INVOKER step of the text/markdown handler on entries: renders rows the caller already read; reads only their own tags.');

-- A Markdown document ends with a newline.
create function journal_private.markdown_final(document journal."text/markdown")
returns journal."text/markdown"
language sql immutable
set search_path = ''
as $$
  select case when document = '' then document else (document || E'\n')::journal."text/markdown" end
$$;
revoke execute on function journal_private.markdown_final(journal."text/markdown") from public;
grant execute on function journal_private.markdown_final(journal."text/markdown") to anon, authenticated;
select platform.declare_api_function('journal', 'journal_private.markdown_final(journal."text/markdown")',
  array['anon', 'authenticated'], 'The final step of the text/markdown handler on entries; pure text.');

-- The handler: GET /entries with Accept: text/markdown.
create aggregate journal.markdown_agg(journal.entries) (
  sfunc = journal_private.markdown_step,
  stype = journal."text/markdown",
  finalfunc = journal_private.markdown_final,
  initcond = ''
);
comment on aggregate journal.markdown_agg(journal.entries) is
  'PostgREST media type handler: GET /entries with Accept: text/markdown answers the rows as one Markdown document.';
revoke execute on function journal.markdown_agg(journal.entries) from public;
grant execute on function journal.markdown_agg(journal.entries) to anon, authenticated;
select platform.declare_api_function('journal', 'journal.markdown_agg(journal.entries)', array['anon', 'authenticated'],
  'PostgREST''s text/markdown handler for entries: aggregates the rows the caller''s policies already let through.');

commit;
