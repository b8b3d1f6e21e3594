-- View statistics (journal.entry_views): anyone who may read an entry counts a
-- view, only the owner reads the counts (also on a public entry), clients never
-- write them, and a view changes nothing of the entry: no version, no audit
-- row, no event.
begin;
select plan(12);

select tests.create_user('alice');
select tests.create_user('mallory');
select tests.make_entry('alice', 'public', is_public => true);
select tests.make_entry('alice', 'private');

select tests.act_as_owner();
select events.sequence_pending();
create temporary table counts_before on commit drop as
select (select count(*) from audit.log where schema_name = 'journal') as audits,
       (select count(*) from events.outbox) as events;

select tests.act_as('mallory');
select is(journal.record_view(tests.uuid_of('public')), '{"recorded": true}'::jsonb,
  'another user counts a view of a public entry and gets no statistics back');
select is((select count(*)::int from journal.entry_views), 0,
  'another user reads no view statistics, not even of a public entry');
select is((select count(*)::int from journal.entries e join journal.entry_views v on v.entry_id = e.id), 0,
  'nor through a join with the public entry');
select is(tests.answer($$ insert into journal.entry_views (entry_id, owner_id, view_count) select id, owner_id, 99 from journal.entries $$),
  '42501 permission denied for table entry_views', 'nobody inflates a view count by hand');

select tests.act_as_anon();
select is(journal.record_view(tests.uuid_of('public')), '{"recorded": true}'::jsonb,
  'an anonymous reader counts a view of a public entry, without statistics');
select is(tests.answer('select * from journal.entry_views'), '42501 permission denied for table entry_views',
  'anonymous callers have no access to view statistics');

select tests.act_as('alice');
select is((journal.record_view(tests.uuid_of('public')) ->> 'view_count')::int, 3,
  'the owner''s own view is counted too, and the owner gets the statistics back');
select is((select (v.view_count, e.version) from journal.entries e join journal.entry_views v on v.entry_id = e.id
            where e.id = tests.uuid_of('public')), (3::bigint, 1::bigint),
  'the owner reads the count beside the entry, whose version did not move');
select is((select count(*)::int from journal.entry_views), 1, 'one statistics row per viewed entry');

select tests.act_as_owner();
select is((select count(*) from audit.log where schema_name = 'journal') - (select audits from counts_before), 0::bigint,
  'views write no audit row');
select is((select count(*) from events.captured), 0::bigint,
  'views send no event: nothing is captured for the sequencer');
delete from journal.entries where id = tests.uuid_of('public');
select is((select count(*)::int from journal.entry_views), 0, 'deleting the entry deletes its statistics');

select * from finish();
rollback;
