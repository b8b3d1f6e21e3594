-- Audit and events without the diary's text: audit rows name the row, the
-- changed columns and who, never title, content, derived text or tag names;
-- events go to the owner's topic and, for public entries, to journal:entries
-- with a public audience; a private entry's events reach its owner only.
begin;
select plan(16);

select tests.create_user('alice');
select tests.act_as('alice');
insert into journal.entries (title, content)
values ('My secret title', '{"blocks": [{"type": "paragraph", "data": {"text": "my secret words"}}]}');
insert into journal.tags (name) values ('secret tag name');
insert into journal.entry_tags (entry_id, tag_id)
select e.id, t.id from journal.entries e, journal.tags t;
update journal.entries set title = 'Another secret', content = '{"blocks": [{"type": "paragraph", "data": {"text": "more secret words"}}]}';
select journal.record_view(id) from journal.entries;
update journal.entries set is_public = true;
update journal.entries set is_public = false;

select tests.act_as_owner();
-- Audit
select is((select count(*)::int from audit.log where schema_name = 'journal' and table_name <> 'authors'), 6,
  'every change is audited (insert, tag, link, edit, two visibility changes), the view is not');
select is((select count(*)::int from audit.log where schema_name = 'journal'
            and (coalesce(old_record::text, '') || coalesce(new_record::text, '')) ~* 'secret'), 0,
  'no audit row holds a title, content, derived text or tag name');
select ok((select bool_and(not (new_record ? 'title') and not (new_record ? 'content') and not (new_record ? 'plain_text')
                           and not (new_record ? 'search'))
             from audit.log where table_name = 'entries'),
  'entries'' audit rows leave out the text columns');
select ok((select not (new_record ? 'name') from audit.log where table_name = 'tags'),
  'tags'' audit rows leave out the name');
select ok((select changed_columns @> '{title,content}' from audit.log
            where table_name = 'entries' and operation = 'UPDATE' order by id limit 1),
  'an edit names the text columns it changed, without their values');
select is((select actor_id from audit.log where table_name = 'entries' and operation = 'INSERT'), tests.user_id('alice'),
  'the audit row names who wrote');

-- Events
select events.sequence_pending();
select is((select count(*)::int from events.outbox where (topic like 'journal:%' or topic like 'user:%')
            and payload::text ~* 'secret'), 0,
  'no event carries a title, content, derived text or tag name');
select is((select count(*)::int from events.outbox where topic = 'user:' || tests.user_id('alice') and type like 'entry.%'), 5,
  'the entry''s events go to its owner''s topic (created, edited, made public, made private and withdrawn; not the view)');
select is((select array_agg(type order by id) from events.outbox where topic = 'user:' || tests.user_id('alice') and type not like 'entry.%'),
  array['tag.created', 'entry_tag.created'], 'tags and links go to the owner''s topic');
select is((select count(*)::int from events.outbox where topic = 'journal:entries'
            and audience <> jsonb_build_object('users', jsonb_build_array(tests.user_id('alice'))) and audience <> '{"public": true}'), 0,
  'an event on journal:entries is either public or for the owner alone');
select is((select array_agg(audience order by id) from events.outbox where topic = 'journal:entries' and type = 'entry.created'),
  array[jsonb_build_object('users', jsonb_build_array(tests.user_id('alice')))],
  'a private entry''s event reaches only its owner');
select is((select audience from events.outbox where topic = 'journal:entries' and type = 'entry.updated' order by id offset 1 limit 1),
  '{"public": true}'::jsonb, 'once public, its events are for everyone');
select is((select count(*)::int from events.outbox where topic = 'journal:entries' and type = 'entry.withdrawn'
            and audience = '{"public": true}' and payload -> 'record' = jsonb_build_object('id', payload -> 'record' ->> 'id')), 1,
  'made private again, it is withdrawn from everyone, by id only');
select ok(events.audience_allows((select audience from events.outbox where topic = 'journal:entries' and type = 'entry.created'),
                                 tests.claims_for(tests.user_id('alice'))),
  'the owner receives the private entry''s event');
select tests.create_user('bob');
select ok(not events.audience_allows((select audience from events.outbox where topic = 'journal:entries' and type = 'entry.created'),
                                     tests.claims_for(tests.user_id('bob'))),
  'another user does not');
select ok(not events.audience_allows((select audience from events.outbox where topic = 'journal:entries' and type = 'entry.created'),
                                     '{"role": "anon"}'),
  'nor an anonymous one');

select * from finish();
rollback;
