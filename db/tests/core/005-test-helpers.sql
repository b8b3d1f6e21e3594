-- The test helpers themselves: named actors act exactly as PostgREST sets a request up,
-- named ids come back as remembered, unknown names fail loudly.
begin;
select plan(16);

select tests.create_user('hana', '{author}');
select tests.create_user('hugo');

select is(tests.user_id('hana'), (select id from auth.users where username = 'hana'),
  'a test user is remembered by the name it was created with');
select throws_like($$ select tests.user_id('nobody') $$, '%no test user named nobody%',
  'an unknown test user name fails naming it');

select tests.act_as('hana');
select is(current_user::text, 'authenticated', 'acting as a user switches to the authenticated role');
select is(current_setting('request.jwt.claims', true)::jsonb ->> 'sub', tests.user_id('hana')::text,
  'with the user''s id as the sub claim');
select is(auth.uid(), tests.user_id('hana'), 'which auth.uid() reads as PostgREST would have it');
select ok(current_setting('request.jwt.claims', true)::jsonb -> 'privileges' ? 'author',
  'with the user''s effective privileges in the claims');
select set_config('helpers_test.sid', tests.act_as('hana') ->> 'sid', true);
select tests.act_as_owner();
select is((select user_id from auth.sessions where id = current_setting('helpers_test.sid')::uuid),
  tests.user_id('hana'),
  'the sid claim names a real session of that user');
select is(tests.act_as(tests.user_id('hugo')) ->> 'sub', tests.user_id('hugo')::text,
  'acting as a user by id still works');

select tests.act_as_anon();
select is(current_user::text, 'anon', 'acting anonymously switches to the anon role');
select is(current_setting('request.jwt.claims', true)::jsonb, '{"role": "anon"}'::jsonb,
  'with only the anon role claim');
select is(tests.user_id('hugo'), (select tests.user_id('hugo')),
  'names are readable while acting as an API role');

select tests.act_as_owner();
select is(current_setting('request.jwt.claims', true), '', 'acting as the owner clears the claims');

select is(tests.remember('first', 41), 41::bigint, 'remembering answers the id');
select tests.remember('second', 42);
select tests.remember('first', 43);
select is(tests.ids('second', 'first'), array[42, 43]::bigint[],
  'remembered ids come back in the order asked, the latest under a name winning');
select tests.act_as('hugo');
select is(tests.remember('made_by_hugo', 7), 7::bigint, 'a test remembers ids while acting as a user');
select throws_like($$ select tests.id('missing') $$, '%no id remembered as missing%',
  'an unknown id name fails naming it');

select * from finish();
rollback;
