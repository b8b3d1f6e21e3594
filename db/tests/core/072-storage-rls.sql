-- Storage: who reads and deletes what (crossing users, anonymous callers), read rules.
begin;
select plan(20);

select tests.make_bucket('pics', true);
select tests.make_bucket('vault', false);
select tests.create_user('ada');
select tests.create_user('bob');
select tests.upload('ada', 'pics', tests.user_id('ada') || '/pub.png', 'pub');
select tests.upload('ada', 'vault', tests.user_id('ada') || '/secret.png', 'secret');
select tests.act_as('ada');
with b as (select object_id from storage_private.begin_upload('pics', tests.user_id('ada') || '/wip.png', 'image/png', 10, false))
insert into tests.named_objects select 'wip', object_id from b;

select tests.act_as_anon();
select is((select array_agg(id) from storage.objects), array[tests.object_id('pub')],
  'anonymous callers list only ready public objects');
select is((select object_id from storage_private.authorize_read('pics', tests.user_id('ada') || '/pub.png')),
  tests.object_id('pub'), 'anyone may read a public object');
select throws_like($$ select * from storage_private.authorize_read('vault', tests.user_id('ada') || '/secret.png') $$,
  '%storage.not_found%', 'anonymous callers cannot read a private object (404)');
select throws_like($$ select storage_private.delete_object('pics', tests.user_id('ada') || '/pub.png') $$,
  '%storage.sign_in_required%', 'anonymous callers cannot delete');
select throws_ok($$ delete from storage.objects where true $$, '42501', null,
  'anonymous callers hold no delete privilege on the table');

select tests.act_as('bob');
select is((select array_agg(id) from storage.objects), array[tests.object_id('pub')],
  'another user lists the public object, not ada''s private or pending ones');
select throws_like($$ select * from storage_private.authorize_read('vault', tests.user_id('ada') || '/secret.png') $$,
  '%storage.not_found%', 'another user cannot read a private object (404, its existence not shown)');
select throws_like($$ select storage_private.delete_object('pics', tests.user_id('ada') || '/pub.png') $$,
  '%storage.forbidden%', 'another user cannot delete a public object they can see (403)');
select is(tests.rows_affected($$ delete from storage.objects where id = tests.object_id('pub') $$), 0,
  'nor through the table (RLS)');
select throws_like($$ select storage_private.delete_object('vault', tests.user_id('ada') || '/secret.png') $$,
  '%storage.not_found%', 'a private object another user cannot see is 404 to delete');
select is((select count(*)::int from tests.named_objects n where exists (select from storage_private.may_follow_object(n.id::text) f where f)),
  1, 'another user may follow only the public object''s topic');

select tests.act_as('ada');
select is((select count(*)::int from storage.objects), 3, 'the owner lists all their objects, pending included');
select is((select file from storage_private.authorize_read('vault', tests.user_id('ada') || '/secret.png')),
  'private/vault/' || tests.user_id('ada') || '/secret.png', 'the owner reads their private object from the private tree');
select throws_like($$ select * from storage_private.authorize_read('pics', tests.user_id('ada') || '/wip.png') $$,
  '%storage.not_found%', 'a pending object is not served, even to its owner');

-- A read rule: anyone signed in reads a private bucket's files under shared/.
select tests.act_as_owner();
create function public.shared_reads(bucket text, path text) returns boolean
language sql stable set search_path = '' as $$ select (select auth.uid()) is not null and path like '%/shared/%' $$;
grant execute on function public.shared_reads(text, text) to anon, authenticated;
select platform.declare_bucket('team', 'storage', false, '{image/png}', 1000, authorize_read => 'public.shared_reads(text, text)');
select tests.upload('ada', 'team', tests.user_id('ada') || '/shared/plan.png', 'plan');
select tests.upload('ada', 'team', tests.user_id('ada') || '/own/diary.png', 'diary');
select tests.act_as('bob');
select is((select object_id from storage_private.authorize_read('team', tests.user_id('ada') || '/shared/plan.png')),
  tests.object_id('plan'), 'a bucket''s read rule lets another user read what it says');
select throws_like($$ select * from storage_private.authorize_read('team', tests.user_id('ada') || '/own/diary.png') $$,
  '%storage.not_found%', 'and nothing else');
select tests.act_as_anon();
select throws_like($$ select * from storage_private.authorize_read('team', tests.user_id('ada') || '/shared/plan.png') $$,
  '%storage.not_found%', 'the rule runs as the caller: anonymous callers are refused by it');

-- The owner deletes: the files go to the deletion queue, an event goes to them.
select tests.act_as('ada');
select is(storage_private.delete_object('pics', tests.user_id('ada') || '/pub.png'), tests.object_id('pub'),
  'the owner deletes their object');
select tests.act_as_owner();
select is((select files from storage_private.deleted_files order by id desc limit 1),
  array['public/pics/' || tests.user_id('ada') || '/pub.png'], 'its file is queued for removal');
select events.sequence_pending();
select is((select count(*)::int from events.outbox where type = 'storage.object.deleted'
            and topic = 'user:' || tests.user_id('ada')), 1, 'the uploader gets a storage.object.deleted event');

select * from finish();
rollback;
