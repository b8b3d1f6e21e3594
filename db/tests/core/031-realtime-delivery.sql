-- Realtime delivery decided in SQL: delivery keys, topic authorization run as the
-- caller, resume checks, pruning, ended sessions, publishing audiences.
begin;
select plan(18);

select tests.create_user('ann', '{author}');
select tests.create_user('eve', '{editor}');
select tests.create_user('ada', '{admin}');
select tests.create_user('rob');
select tests.create_user('moe', '{moderator}');
create function pg_temp.follow(topic text) returns text language sql as $$
  select case when pattern is null then 'unknown' when allowed then 'allowed' else 'forbidden' end
    from events.authorize_subscription(topic) $$;
grant execute on function pg_temp.follow(text) to public;

-- Keys: the one rule both sides meet on.
select is(events.principal_keys('{"role": "anon"}'), array['public'], 'anonymous callers hold only the public key');
select ok(events.principal_keys(tests.claims_for('ada')) @> array['privilege:admin', 'privilege:editor',
  'user:' || tests.user_id('ada'), 'authenticated'], 'an admin holds their user key and every implied privilege');
select ok(events.audience_allows(jsonb_build_object('users', jsonb_build_array(tests.user_id('rob'))),
                                 tests.claims_for('rob')), 'a user named in the audience receives the event');
select ok(not events.audience_allows('{"privileges": ["editor"]}', tests.claims_for('rob')),
  'a reader does not receive an editors-only event');
select ok(not events.audience_allows('{"authenticated": true}', '{"role": "anon"}'),
  'anonymous callers do not receive events for signed-in users');

-- Topic authorization, as the caller.
select tests.act_as_anon();
select is(pg_temp.follow('publishing:articles'), 'allowed', 'anyone may follow the article list');
select is(pg_temp.follow('publishing:review'), 'forbidden', 'anonymous callers may not follow the review queue');
select is(pg_temp.follow('user:' || tests.user_id('rob')), 'forbidden', 'nor anyone''s own topic');
select is(pg_temp.follow('nothing:here'), 'unknown', 'an unregistered topic is unknown');
select tests.act_as_owner();
select tests.remember('draft', tests.make_article('ann', 'A draft', 'draft', null));
select tests.act_as('ann');
select is(pg_temp.follow('publishing:article:' || tests.id('draft')), 'allowed', 'an author may follow their draft');
select is(pg_temp.follow('user:' || tests.user_id('ann')), 'allowed', 'and their own topic');
select tests.act_as('rob');
select is(pg_temp.follow('publishing:article:' || tests.id('draft')), 'forbidden',
  'another reader may not follow a draft (the articles policy says so)');
select is(pg_temp.follow('publishing:article:not-a-number'), 'forbidden', 'a malformed article id is refused');
select tests.act_as('eve');
select is(pg_temp.follow('publishing:review'), 'allowed', 'editors follow the review queue');
select tests.act_as_owner();

-- Resume checks and pruning.
update events.sequencer set last_seq = 100, pruned_through = 40;
select is(array[events.cursor_status(39), events.cursor_status(40), events.cursor_status(100), events.cursor_status(101)],
  array['retention', null, null, 'unknown_position'],
  'resuming needs a resync below the prune horizon or beyond the last seq');
insert into events.outbox (seq, topic, type, payload, audience, sequenced_at)
values (101, 'demo:old', 'x', '{}', '{}', now() - interval '2 days'),
       (102, 'demo:new', 'x', '{}', '{}', now());
select is(events.prune(), 1::bigint, 'pruning removes only events sequenced before the retention window');
select is((select pruned_through from events.sequencer), 101::bigint, 'and moves the resume horizon');

-- Ended sessions, for the gateway's sweep.
select is((select count(*)::int from auth.ended_sessions(array[gen_random_uuid()])), 1,
  'an unknown session counts as ended');

select * from finish();
rollback;
