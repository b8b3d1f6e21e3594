-- Entry content: Editor.js saved data validated by the database, errors naming
-- the block index and field; plain text, word count, reading time and search
-- derived from it; sealed envelopes stored unread.
begin;
select plan(26);

select tests.create_user('writer');
select tests.act_as('writer');

-- Every block type Editor.js saves, and the text derived from them.
select lives_ok($$
  insert into journal.entries (title, content) values ('Every block', '{
    "time": 1700000000000, "version": "2.28.2",
    "blocks": [
      {"id": "a1", "type": "header", "data": {"text": "A <b>good</b> day", "level": 2}},
      {"type": "paragraph", "data": {"text": "Walked&nbsp;by the <a href=\"https://example.com\">river</a>.<br>Then home."}},
      {"type": "list", "data": {"style": "ordered", "items": [
        {"content": "bread", "items": [{"content": "rye", "items": []}]}, {"content": "milk", "items": []}]}},
      {"type": "list", "data": {"style": "unordered", "items": ["old style item"]}},
      {"type": "checklist", "data": {"items": [{"text": "call mum", "checked": false}, {"text": "swim", "checked": true}]}},
      {"type": "quote", "data": {"text": "Be here now", "caption": "Ram Dass", "alignment": "left"}},
      {"type": "code", "data": {"code": "x < y && y > z"}},
      {"type": "delimiter", "data": {}},
      {"type": "table", "data": {"withHeadings": true, "content": [["day", "mood"], ["mon", "<i>fine</i>"]]}},
      {"type": "image", "data": {"file": {"url": "https://cdn.example.com/a.png"}, "caption": "the river", "withBorder": false}}
    ]}')
$$, 'an entry with every supported block type is accepted');
select is((select plain_text from journal.entries where title = 'Every block'),
  E'A good day\nWalked by the river. Then home.\nbread rye milk\nold style item\ncall mum\nswim\nBe here now\nRam Dass\nx < y && y > z\nday\nmood\nmon\nfine\nthe river',
  'the plain text holds every block''s text, markup stripped, entities decoded, code kept as written');
select is((select word_count from journal.entries where title = 'Every block'), 36::bigint,
  'the word count counts the plain text''s words');
select is((select reading_minutes from journal.entries where title = 'Every block'), 1::bigint,
  'reading time is a minute per 200 words, rounded up');
select ok((select search @@ to_tsquery('simple', 'river & mum') from journal.entries where title = 'Every block'),
  'the search vector holds the text');
select is((select count(*)::int from journal.entries where title = 'Every block' and not sealed), 1,
  'a plain entry is not sealed');

-- Errors name the block and the field (tests.entry_refused answers code, message, details).
select is(tests.entry_refused('[1, 2]'),
  'journal.invalid_content content: must be an object {"blocks": [...]} or {"sealed": {...}} {"field" : "content"}',
  'content that is not an object is refused');
select is(tests.entry_refused('{"time": 1}'),
  'journal.invalid_content content.blocks: must be an array of blocks {"field" : "content.blocks"}',
  'content without a blocks array is refused');
select is(tests.entry_refused('{"blocks": [{"type": "paragraph", "data": {"text": "ok"}}, {"type": "video", "data": {}}]}'),
  'journal.invalid_content content.blocks[1].type: unknown block type ''video'': use paragraph, header, list, checklist, quote, code, delimiter, table or image {"field" : "content.blocks[1].type"}',
  'an unknown block type is refused, naming its index');
select is(tests.entry_refused('{"blocks": [{"type": "header", "data": {"text": "x", "level": 7}}]}'),
  'journal.invalid_content content.blocks[0].data.level: must be a whole number from 1 to 6 {"field" : "content.blocks[0].data.level"}',
  'a header level outside 1-6 is refused');
select is(tests.entry_refused('{"blocks": [{"type": "header", "data": {"text": "x", "level": 2.5}}]}'),
  'journal.invalid_content content.blocks[0].data.level: must be a whole number from 1 to 6 {"field" : "content.blocks[0].data.level"}',
  'a fractional header level is refused');
select is(tests.entry_refused('{"blocks": [{"type": "paragraph", "data": {"text": 5}}]}'),
  'journal.invalid_content content.blocks[0].data.text: must be a string {"field" : "content.blocks[0].data.text"}',
  'a paragraph''s text must be a string');
select is(tests.entry_refused('{"blocks": [{"type": "paragraph", "data": {}}]}'),
  'journal.invalid_content content.blocks[0].data.text: is required (a string) {"field" : "content.blocks[0].data.text"}',
  'a paragraph needs its text');
select is(tests.entry_refused('{"blocks": [{"type": "list", "data": {"style": "bulleted", "items": []}}]}'),
  'journal.invalid_content content.blocks[0].data.style: must be "ordered" or "unordered" {"field" : "content.blocks[0].data.style"}',
  'a list style other than ordered or unordered is refused');
select is(tests.entry_refused('{"blocks": [{"type": "list", "data": {"style": "ordered", "items": [{"content": "a", "items": [{"content": 1}]}]}}]}'),
  'journal.invalid_content content.blocks[0].data.items[0].items[0].content: must be a string {"field" : "content.blocks[0].data.items[0].items[0].content"}',
  'a nested list item is checked too, its path named');
select is(tests.entry_refused('{"blocks": [{"type": "checklist", "data": {"items": [{"text": "a", "checked": "yes"}]}}]}'),
  'journal.invalid_content content.blocks[0].data.items[0].checked: must be true or false {"field" : "content.blocks[0].data.items[0].checked"}',
  'a checklist item needs a boolean checked');
select is(tests.entry_refused('{"blocks": [{"type": "table", "data": {"content": [["a"], ["b", {"x": 1}]]}}]}'),
  'journal.invalid_content content.blocks[0].data.content[1][1]: must be a string {"field" : "content.blocks[0].data.content[1][1]"}',
  'a table cell must be a string, its row and column named');
select is(tests.entry_refused('{"blocks": [{"type": "image", "data": {"file": {"url": "javascript:alert(1)"}}}]}'),
  'journal.invalid_content content.blocks[0].data.file.url: must be an http(s) URL or /storage/object/journalimages/<path>, at most 2000 characters {"field" : "content.blocks[0].data.file.url"}',
  'an image needs an http(s) URL or a journalimages object''s URL');
select is(tests.entry_refused('{"blocks": [{"type": "code", "data": {"code": "x"}}, "text"]}'),
  'journal.invalid_content content.blocks[1]: must be an object {type, data} {"field" : "content.blocks[1]"}',
  'a block must be an object');
select is(tests.entry_refused(format('{"blocks": [{"type": "paragraph", "data": {"text": "%s"}}]}', repeat('x', 1048576))),
  'journal.content_too_large content: at most 1 MB (1,048,576 bytes of JSON) {"field": "content"}',
  'content over 1 MB is refused before it is parsed');

-- Sealed entries: stored, never read.
select lives_ok($$
  insert into journal.entries (title, content) values ('Sealed one',
    '{"sealed": {"alg": "AES-256-GCM", "iv": "bm9uY2Vub25jZQ==", "ciphertext": "c2VjcmV0IHRleHQ="}}')
$$, 'a sealed envelope is accepted');
select is((select (sealed, plain_text, word_count, reading_minutes) from journal.entries where title = 'Sealed one'),
  (true, ''::text, 0::bigint, 0::bigint),
  'a sealed entry derives no text, words or reading time');
select is((select search::text from journal.entries where title = 'Sealed one'), '''one'':2A ''sealed'':1A',
  'only a sealed entry''s plain title is searchable');
select is(tests.entry_refused('{"sealed": {"alg": "AES-256-GCM", "iv": "x"}}'),
  'journal.invalid_content content.sealed.ciphertext: must be a non-empty string {"field" : "content.sealed.ciphertext"}',
  'a sealed envelope needs alg, iv and ciphertext');
select is(tests.entry_refused('{"sealed": {"alg": "a", "iv": "b", "ciphertext": "c"}, "blocks": []}'),
  'journal.invalid_content content: a sealed entry holds "sealed" and nothing else {"field" : "content"}',
  'a sealed envelope carries no plain blocks beside it');

-- Changing the content derives again.
update journal.entries set content = '{"blocks": [{"type": "paragraph", "data": {"text": "one two three"}}]}'
 where title = 'Sealed one';
select is((select (sealed, plain_text, word_count) from journal.entries where title = 'Sealed one'),
  (false, 'one two three'::text, 3::bigint),
  'an entry unsealed by an update derives its text again');

select * from finish();
rollback;
