-- Tags: names 1-50 characters without control characters, unique per user
-- ignoring case; at most 20 on an entry; only the owner's tags on the owner's
-- live entries.
begin;
select plan(14);

select tests.create_user('writer');
select tests.make_entry('writer', 'today');

select tests.act_as('writer');
select lives_ok($$ insert into journal.tags (name) values ('  Travel ') $$, 'a user creates a tag');
select is((select (name, owner_id) from journal.tags), ('Travel'::text, tests.user_id('writer')),
  'the name is stored trimmed, the tag owned by its writer');
select is(tests.answer($$ insert into journal.tags (name) values ('tRAVEL') $$),
  'journal.tag_exists name: you already have a tag named ''tRAVEL''', 'tag names are unique per user ignoring case (409)');
select is(tests.answer($$ insert into journal.tags (name) values ('') $$),
  'journal.invalid_tag_name name: must be 1 to 50 characters (after trimming)', 'an empty tag name is refused');
select is(tests.answer(format($$ insert into journal.tags (name) values (%L) $$, repeat('n', 51))),
  'journal.invalid_tag_name name: must be 1 to 50 characters (after trimming)', 'a 51-character tag name is refused');
select is(tests.answer($$ insert into journal.tags (name) values (E'bad\x01name') $$),
  'journal.invalid_tag_name name: must not hold control characters', 'control characters are refused');
select is(tests.answer($$ insert into journal.tags (name) values (E'two\nlines') $$),
  'journal.invalid_tag_name name: must not hold control characters', 'a newline is a control character too');

select lives_ok(format($$ insert into journal.entry_tags (entry_id, tag_id) select %L, id from journal.tags where name = 'Travel' $$,
  tests.uuid_of('today')), 'the owner tags their entry with their tag');
select is((select owner_id from journal.entry_tags), tests.user_id('writer'), 'the link belongs to the entry''s owner');

-- at most 20 tags on an entry
insert into journal.tags (name) select 'tag ' || i from generate_series(1, 20) i;
select is(tests.answer(format($$ insert into journal.entry_tags (entry_id, tag_id)
                                 select %L, id from journal.tags where name like 'tag %%' $$, tests.uuid_of('today'))),
  'journal.too_many_tags tag_id: an entry carries at most 20 tags; this would be 21',
  'a 21st tag on one entry is refused, a bulk insert counted whole');
select is(tests.answer(format($$ insert into journal.entry_tags (entry_id, tag_id)
                                 select %L, id from journal.tags where name in ('tag 1', 'tag 2') $$, tests.uuid_of('today'))),
  'ok (2 rows)', 'tags under the limit are accepted');

-- deleted entries are not tagged
update journal.entries set deleted_at = now() where id = tests.uuid_of('today');
select is(tests.answer(format($$ insert into journal.entry_tags (entry_id, tag_id)
                                 select %L, id from journal.tags where name = 'tag 3' $$, tests.uuid_of('today'))),
  'journal.entry_not_found entry_id: no such entry of yours', 'an entry in the trash is not tagged');

-- deleting a tag unlinks it; deleting an entry for good unlinks its tags
delete from journal.tags where name = 'tag 1';
select is((select count(*)::int from journal.entry_tags), 2, 'deleting a tag removes it from entries');
delete from journal.entries where id = tests.uuid_of('today');
select is((select count(*)::int from journal.entry_tags), 0, 'deleting an entry for good removes its links');

select * from finish();
rollback;
