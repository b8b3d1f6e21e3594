-- Crossing: another signed-in user and an anonymous caller cannot read,
-- count, update, delete, restore, view or tag someone's private or deleted
-- entry, nor learn it exists: every answer is the one for an id that does not
-- exist. Public entries are read-only to them. Tags are their owner's alone.
begin;
select plan(30);

select tests.create_user('alice');
select tests.create_user('mallory');
select tests.make_entry('alice', 'private');
select tests.make_entry('alice', 'public', is_public => true);
select tests.make_entry('alice', 'trashed', is_public => true, deleted => true);
select tests.make_tag('alice', 'secret tag');
select tests.make_tag('mallory', 'mine');
insert into journal.entry_tags (entry_id, tag_id, owner_id)
values (tests.uuid_of('private'), tests.uuid_of('tag:secret tag'), tests.user_id('alice'));
select tests.make_entry('mallory', 'mallorys');
select tests.remember('missing', gen_random_uuid());


select tests.act_as('mallory');
select is(tests.same_as_missing('select * from journal.entries where id = %L', 'private'),
  'ok (0 rows) | ok (0 rows)', 'another user reads nothing of a private entry');
select is(tests.same_as_missing('select * from journal.entries where id = %L', 'trashed'),
  'ok (0 rows) | ok (0 rows)', 'another user reads nothing of a deleted public entry');
select is((select count(*)::int from journal.entries where owner_id = tests.user_id('alice')), 1,
  'counting someone''s entries counts only their public, live ones');
select is(tests.same_as_missing($$update journal.entries set title = 'mine now' where id = %L$$, 'private'),
  'ok (0 rows) | ok (0 rows)', 'another user cannot edit a private entry');
select is(tests.same_as_missing($$update journal.entries set title = 'mine now' where id = %L$$, 'public'),
  'ok (0 rows) | ok (0 rows)', 'another user cannot edit a public entry either');
select is(tests.same_as_missing('update journal.entries set deleted_at = null where id = %L', 'trashed'),
  'ok (0 rows) | ok (0 rows)', 'another user cannot restore a deleted entry');
select is(tests.same_as_missing('update journal.entries set deleted_at = now() where id = %L', 'public'),
  'ok (0 rows) | ok (0 rows)', 'another user cannot move a public entry to the trash');
select is(tests.same_as_missing('delete from journal.entries where id = %L', 'private'),
  'ok (0 rows) | ok (0 rows)', 'another user cannot delete a private entry');
select is(tests.same_as_missing('delete from journal.entries where id = %L', 'public'),
  'ok (0 rows) | ok (0 rows)', 'another user cannot delete a public entry');
select is(tests.same_as_missing('select journal.record_view(%L)', 'private'),
  'journal.entry_not_found entry_id: no such entry | journal.entry_not_found entry_id: no such entry',
  'record_view of someone''s private entry is the 404 of a missing one');
select is(tests.same_as_missing('select journal.record_view(%L)', 'trashed'),
  'journal.entry_not_found entry_id: no such entry | journal.entry_not_found entry_id: no such entry',
  'record_view of a deleted entry is the 404 of a missing one');
select is(tests.same_as_missing(format('insert into journal.entry_tags (entry_id, tag_id) values (%%L, %L)', tests.uuid_of('tag:mine')), 'private'),
  'journal.entry_not_found entry_id: no such entry of yours | journal.entry_not_found entry_id: no such entry of yours',
  'another user cannot tag a private entry: the 404 of a missing one');
select is(tests.same_as_missing(format('insert into journal.entry_tags (entry_id, tag_id) values (%%L, %L)', tests.uuid_of('tag:mine')), 'public'),
  'journal.entry_not_found entry_id: no such entry of yours | journal.entry_not_found entry_id: no such entry of yours',
  'nor a public one');
select is(tests.answer(format('insert into journal.entry_tags (entry_id, tag_id) values (%L, %L)', tests.uuid_of('mallorys'), tests.uuid_of('tag:secret tag'))),
  tests.answer(format('insert into journal.entry_tags (entry_id, tag_id) values (%L, gen_random_uuid())', tests.uuid_of('mallorys'))),
  'someone''s tag on one''s own entry is the 404 of a missing tag');
select is(tests.answer(format('delete from journal.entry_tags where entry_id = %L', tests.uuid_of('private'))),
  'ok (0 rows)', 'another user cannot untag someone''s entry');
select is_empty($$ select * from journal.tags where name = 'secret tag' $$, 'another user does not read someone''s tags');
select is_empty($$ select * from journal.entry_tags $$, 'another user does not read someone''s entry tags');
select is(tests.answer($$ update journal.tags set name = 'renamed' where name = 'secret tag' $$), 'ok (0 rows)',
  'another user cannot rename someone''s tag');
select is(tests.answer(format('insert into journal.entries (title, owner_id) values (%L, %L)', 'forged', tests.user_id('alice'))),
  '42501 permission denied for table entries', 'nobody writes an entry in someone else''s name');
select results_eq($$ select title from journal.entries where owner_id <> (select auth.uid()) $$,
  array['Title of public'], 'another user reads exactly the public, live entries of others');
select is(journal.record_view(tests.uuid_of('public')), '{"recorded": true}'::jsonb,
  'another user may count a view of a public entry, and learns no statistics');

select tests.act_as_anon();
select is(tests.same_as_missing('select * from journal.entries where id = %L', 'private'),
  'ok (0 rows) | ok (0 rows)', 'an anonymous caller reads nothing of a private entry');
select is(tests.same_as_missing('select * from journal.entries where id = %L', 'trashed'),
  'ok (0 rows) | ok (0 rows)', 'an anonymous caller reads nothing of a deleted entry');
select results_eq($$ select title from journal.entries $$, array['Title of public'],
  'an anonymous caller reads public, live entries only');
select is(tests.same_as_missing($$update journal.entries set title = 'x' where id = %L$$, 'public'),
  '42501 permission denied for table entries | 42501 permission denied for table entries',
  'an anonymous caller cannot edit, whatever the id');
select is(tests.same_as_missing('delete from journal.entries where id = %L', 'private'),
  '42501 permission denied for table entries | 42501 permission denied for table entries',
  'an anonymous caller cannot delete, whatever the id');
select is(tests.same_as_missing('select journal.record_view(%L)', 'private'),
  'journal.entry_not_found entry_id: no such entry | journal.entry_not_found entry_id: no such entry',
  'record_view by an anonymous caller of a private entry is the 404 of a missing one');
select is(tests.answer('select * from journal.tags'), '42501 permission denied for table tags',
  'an anonymous caller has no access to tags');

select tests.act_as('alice');
select is((select (v.view_count, e.version) from journal.entries e join journal.entry_views v on v.entry_id = e.id
            where e.id = tests.uuid_of('public')), (1::bigint, 1::bigint),
  'the owner sees the view counted, the entry unchanged');
select is((select count(*)::int from journal.entries), 3, 'the owner reads all their entries, the deleted one too');

select * from finish();
rollback;
