-- export_entries: the caller's whole journal (entries with the trash, tags,
-- links) as one JSON document, or Markdown after the Accept header; another
-- user's rows never in it; anonymous callers refused. The Markdown renderer
-- block by block, escaping included, and the text/markdown handler on entries.
begin;
select plan(42);

-- The JSON export as the current caller, asking with this Accept header.
create function pg_temp.export_as(accept text, after uuid default null) returns text
language plpgsql volatile
as $$
begin
  perform set_config('request.headers', json_build_object('accept', accept)::text, true);
  return journal.export_entries(after);
end
$$;
grant execute on function pg_temp.export_as(text, uuid) to public;

-- Structure
select has_function('journal', 'export_entries', array['uuid'], 'journal.export_entries(after uuid) exists');
select ok(not (select p.prosecdef from pg_proc p where p.oid = 'journal.export_entries(uuid)'::regprocedure),
  'export_entries runs as the caller: the policies decide');
select is((select p.provolatile from pg_proc p where p.oid = 'journal.export_entries(uuid)'::regprocedure), 's',
  'export_entries is stable (GET may call it; a POST runs read-only)');
select ok(not has_function_privilege('public', 'journal.export_entries(uuid)', 'execute')
          and has_function_privilege('anon', 'journal.export_entries(uuid)', 'execute'),
  'EXECUTE is closed to PUBLIC and open to anon only to answer 401');
select is(pg_get_function_result('journal.markdown_agg(journal.entries)'::regprocedure), 'journal."text/markdown"',
  'entries have a text/markdown media type handler (an aggregate returning the domain)');

select tests.create_user('alice');
select tests.create_user('mallory');
select tests.make_entry('alice', 'a1', content => '{"blocks": [{"type": "header", "data": {"text": "Sea", "level": 2}}]}');
select tests.make_entry('alice', 'a2', content => '{"sealed": {"alg": "AES-GCM", "iv": "aXY=", "ciphertext": "U0VDUkVU"}}');
select tests.make_entry('alice', 'a3', is_public => true);
select tests.make_entry('alice', 'a4');
select tests.make_entry('mallory', 'm1', is_public => true);
select tests.make_entry('mallory', 'm2');
update journal.entries set entry_date = ('2026-01-0' || substr(title, length(title)))::date
 where id in (tests.uuid_of('a1'), tests.uuid_of('a2'), tests.uuid_of('a3'), tests.uuid_of('a4'));
update journal.entries set deleted_at = now() where id = tests.uuid_of('a4');
select tests.act_as('alice');
insert into journal.tags (name) values ('sea'), ('Work');
insert into journal.entry_tags (entry_id, tag_id)
select tests.uuid_of('a1'), t.id from journal.tags t
union all
select tests.uuid_of('a3'), t.id from journal.tags t where t.name = 'Work';
select tests.act_as('mallory');
insert into journal.tags (name) values ('mallory secret');

-- The JSON document
select tests.act_as('alice');
create temp table doc as select pg_temp.export_as('application/json')::json as d;
grant select on doc to public;
select is((select d ->> 'format' from doc) || ' v' || (select d ->> 'version' from doc), 'journal.export v1',
  'the document says its format and version');
select is((select d -> 'owner' ->> 'username' from doc), 'alice', 'the owner is the caller');
select set_eq($$select (e ->> 'id')::uuid from doc, json_array_elements(d -> 'entries') e$$,
  $$select unnest(array[tests.uuid_of('a1'), tests.uuid_of('a2'), tests.uuid_of('a3'), tests.uuid_of('a4')])$$,
  'every entry of the caller is in it, the trash included');
select is((select count(*)::int from doc, json_array_elements(d -> 'entries') e
            where (e ->> 'id')::uuid in (tests.uuid_of('m1'), tests.uuid_of('m2'))), 0,
  'another user''s entries, public ones included, are never in it');
select is((select (e ->> 'in_trash') || ' ' || (e ->> 'deleted_at' is not null)::text from doc, json_array_elements(d -> 'entries') e
            where (e ->> 'id')::uuid = tests.uuid_of('a4')), 'true true',
  'an entry in the trash is flagged, with its deleted_at');
select is((select (e -> 'content')::jsonb from doc, json_array_elements(d -> 'entries') e
            where (e ->> 'id')::uuid = tests.uuid_of('a2')),
  '{"sealed": {"alg": "AES-GCM", "iv": "aXY=", "ciphertext": "U0VDUkVU"}}'::jsonb,
  'a sealed envelope is exported as stored');
select is((select array_agg(e ->> 'entry_date' order by ord) from doc, json_array_elements(d -> 'entries') with ordinality x(e, ord)),
  array['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'], 'entries come in entry_date order');
select is((select array_agg(t ->> 'name' order by t ->> 'name') from doc, json_array_elements(d -> 'tags') t),
  array['Work', 'sea'], 'every tag of the caller, nobody else''s');
select is((select count(*)::int from doc, json_array_elements(d -> 'entry_tags') l), 3, 'every link of the caller');
select is((select (d ->> 'complete') || ' ' || coalesce(d ->> 'next', 'none') from doc), 'true none',
  'a small journal fits one document');
select ok(current_setting('response.headers')::jsonb @> jsonb_build_array(jsonb_build_object('Content-Disposition',
            format('attachment; filename="journal-%s.json"', journal_private.today()))),
  'the answer asks browsers to download journal-YYYY-MM-DD.json');
select ok(current_setting('response.headers')::jsonb @> '[{"Content-Type": "application/json; charset=utf-8"}]',
  'the JSON answer says so in Content-Type');

-- Bounded pages
select is((select json_array_length(d -> 'entries') || ' ' || (d ->> 'complete') || ' ' || (d -> 'next' ->> 'after')
             from (select journal_private.export_json(tests.user_id('alice'), null, 1) as r) p,
                  lateral (select (p.r).body::json as d) x),
  '1 false ' || tests.uuid_of('a1'), 'past the byte budget a document stops, naming where to go on');
select is((select json_array_length((journal_private.export_json(tests.user_id('alice'), tests.uuid_of('a1'), 100000)).body::json -> 'entries')),
  3, 'the next document starts after the cursor');
select is((select (r).next_after from (select journal_private.export_markdown(tests.user_id('alice'), null, 1) as r) p),
  tests.uuid_of('a1'), 'a Markdown document past its budget names where to go on (the Link header)');
select is(tests.status_of(format('select pg_temp.export_as(%L, %L)', 'application/json', tests.uuid_of('m1'))),
  '422 journal.invalid_cursor', 'a cursor that is not one of the caller''s entries is refused');
select is(tests.status_of($$select pg_temp.export_as('text/csv')$$), '406 journal.unsupported_media_type',
  'an Accept the export cannot answer is refused with 406');

-- The Markdown document
create temp table md as select pg_temp.export_as('text/markdown') as m;
grant select on md to public;
select is((select array_agg(x[1]) from md, regexp_matches(m, '^# (.*)$', 'gn') x),
  array['Title of a1', 'Title of a2', 'Title of a3'], 'the Markdown holds the live entries in order, not the trash');
select ok((select m like '%*2026-01-01* · sea, Work%' from md), 'each entry shows its day and tags');
select ok((select m like '%sealed (end-to-end encrypted)%' and m not like '%U0VDUkVU%' from md),
  'a sealed entry is a note; its ciphertext is never written');
select ok(current_setting('response.headers')::jsonb @> jsonb_build_array(jsonb_build_object('Content-Disposition',
            format('attachment; filename="journal-%s.md"', journal_private.today()))),
  'the Markdown answer downloads as journal-YYYY-MM-DD.md');

-- Anonymous callers
select tests.act_as_anon();
select is(tests.status_of($$select pg_temp.export_as('application/json')$$), '401 auth.not_authenticated',
  'anonymous callers are refused with 401');
select is((select journal.markdown_agg(e order by e.entry_date) from journal.entries e)::text,
  E'# Title of a3\n\n*2026-01-03*\n\n' || E'dear diary\n\n# Title of m1\n\n*' || (select entry_date from journal.entries where id = tests.uuid_of('m1')) || E'*\n\ndear diary\n',
  'anonymous readers get public entries as Markdown, without their private tags');
select tests.act_as('alice');
select is((select journal.markdown_agg(e) from journal.entries e where e.id = tests.uuid_of('a1'))::text,
  E'# Title of a1\n\n*2026-01-01* · sea, Work\n\n## Sea\n', 'the owner''s Markdown of an entry shows its tags');

-- The renderer, block by block
select is(journal_private.md_block('{"type": "paragraph", "data": {"text": "A <b>bold </b>and <i>light</i> <mark>mark</mark> <a href=\"https://x.org/a_b?c=1&amp;d=(2)\">link</a>,<br>next&nbsp;line"}}'),
  E'A **bold** and *light* ==mark== [link](<https://x.org/a\\_b?c=1\\&d=(2)>),\\\nnext line',
  'paragraph: bold, italic, mark, links and line breaks become Markdown');
select is(journal_private.md_block('{"type": "paragraph", "data": {"text": "use <code>a`b</code> and <a href=\"javascript:alert(1)\">this</a>"}}'),
  'use ``a`b`` and this', 'paragraph: inline code survives a backtick; a javascript: link keeps only its text');
select is(journal_private.md_block('{"type": "paragraph", "data": {"text": "1. *not* a list, _x_ [y] #z &lt;not&gt; a|b ~c & !d"}}'),
  E'1\\. \\*not\\* a list, \\_x\\_ \\[y\\] \\#z \\<not\\> a\\|b \\~c \\& \\!d',
  'Markdown''s special characters in text (&lt; as Editor.js writes <) are escaped, a numbered line start too');
select is(journal_private.md_block('{"type": "header", "data": {"text": "Day <i>one</i>", "level": 3}}'), '### Day *one*',
  'header: as many # as its level');
select is(journal_private.md_block('{"type": "list", "data": {"style": "ordered", "items": [{"content": "bread", "items": [{"content": "rye", "items": [{"content": "dark", "items": []}]}]}, {"content": "milk", "items": []}]}}'),
  E'1. bread\n   1. rye\n      1. dark\n2. milk', 'ordered list: nested items indented under their parent');
select is(journal_private.md_block('{"type": "list", "data": {"style": "unordered", "items": ["- a<br>b", "c"]}}'),
  E'- \\- a\\\n  b\n- c', 'unordered list of strings: a line break stays inside its item');
select is(journal_private.md_block('{"type": "checklist", "data": {"items": [{"text": "call mum", "checked": false}, {"text": "swim", "checked": true}]}}'),
  E'- [ ] call mum\n- [x] swim', 'checklist: task list items');
select is(journal_private.md_block('{"type": "quote", "data": {"text": "Be here<br>now", "caption": "Ram Dass"}}'),
  E'> Be here\\\n> now\n>\n> — Ram Dass', 'quote: every line quoted, the caption last');
select is(journal_private.md_block('{"type": "code", "data": {"code": "a ``` b\nc"}}'),
  E'````\na ``` b\nc\n````', 'code: a fence longer than any run of backticks inside');
select is(journal_private.md_block('{"type": "delimiter", "data": {}}'), '---', 'delimiter: a thematic break');
select is(journal_private.md_block('{"type": "table", "data": {"withHeadings": true, "content": [["day", "mood"], ["mon", "<i>fine</i> | ok"]]}}'),
  E'| day | mood |\n| --- | --- |\n| mon | *fine* \\| ok |', 'table with headings: a pipe table, pipes in cells escaped');
select is(journal_private.md_block('{"type": "table", "data": {"content": [["a", "b"], ["c"]]}}'),
  E'|  |  |\n| --- | --- |\n| a | b |\n| c |  |', 'table without headings: an empty header row, short rows padded');
select is(journal_private.md_block('{"type": "image", "data": {"file": {"url": "https://cdn.example.com/a(1).png"}, "caption": "the [sea]"}}'),
  '![the \[sea\]](https://cdn.example.com/a%281%29.png)', 'image: caption escaped, URL parentheses encoded');

select * from finish();
rollback;
