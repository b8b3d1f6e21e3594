-- Storage: what the gateway asks as the caller before and after an upload.
begin;
select plan(20);

select tests.make_bucket('pics', true);
select tests.make_bucket('vault', false);
select tests.create_user('ada');
select tests.create_user('bob');

select tests.act_as_anon();
select throws_like($$ select * from storage_private.begin_upload('pics', 'x/a.png', 'image/png', 10, false) $$,
  '%storage.sign_in_required%', 'anonymous callers cannot upload (401)');
select tests.act_as('ada');
select throws_like($$ select * from storage_private.begin_upload('nope', tests.user_id('ada') || '/a.png', 'image/png', 10, false) $$,
  '%storage.bucket_not_found%', 'an unknown bucket is 404');
select throws_like($$ select * from storage_private.begin_upload('pics', tests.user_id('ada') || '/../a.png', 'image/png', 10, false) $$,
  '%storage.invalid_path%', 'an invalid path is 400');
select throws_like($$ select * from storage_private.begin_upload('pics', tests.user_id('bob') || '/a.png', 'image/png', 10, false) $$,
  '%storage.forbidden%', 'a user cannot write into another user''s folder (403)');
select throws_like($$ select * from storage_private.begin_upload('pics', 'a.png', 'image/png', 10, false) $$,
  '%storage.forbidden%', 'by default a user writes under their own folder only');
select throws_like($$ select * from storage_private.begin_upload('pics', tests.user_id('ada') || '/a.png', 'text/plain', 10, false) $$,
  '%storage.type_not_allowed%', 'a type the bucket does not allow is 415');
select throws_like($$ select * from storage_private.begin_upload('pics', tests.user_id('ada') || '/a.html', 'image/png', 10, false) $$,
  '%storage.extension_mismatch%', 'a name that lies about its content is 400');
select throws_like($$ select * from storage_private.begin_upload('pics', tests.user_id('ada') || '/a.png', 'image/png', 5000, false) $$,
  '%storage.too_large%', 'a declared size over the limit is 413');

select tests.upload('ada', 'pics', tests.user_id('ada') || '/a.png', 'a');
select is((select status || ',' || variants_status || ',' || url from storage.objects where id = tests.object_id('a')),
  'ready,pending,/storage/public/pics/' || tests.user_id('ada') || '/a.png',
  'a finished upload is ready, its variants pending, its public URL set');
select throws_like($$ select * from storage_private.begin_upload('pics', tests.user_id('ada') || '/a.png', 'image/png', 10, false) $$,
  '%storage.object_exists%', 'POST on a taken path is 409');
select is((select replacing from storage_private.begin_upload('pics', tests.user_id('ada') || '/a.png', 'image/png', 10, true)),
  true, 'PUT replaces the caller''s own object');

select tests.act_as('ada');
with b as (select object_id from storage_private.begin_upload('pics', tests.user_id('ada') || '/big.png', 'image/png', null, false))
insert into tests.named_objects select 'big', object_id from b;
select throws_like($$ select storage_private.finish_upload(tests.object_id('big'), 5000, 'image/png', repeat('ab', 32), 1, 1) $$,
  '%storage.too_large%', 'the stored size is checked again at the end (413)');
select throws_like($$ select storage_private.finish_upload(tests.object_id('big'), 10, 'image/jpeg', repeat('ab', 32), 1, 1) $$,
  '%storage.extension_mismatch%', 'the stored type must still match the name');
select tests.act_as('bob');
select throws_like($$ select storage_private.finish_upload(tests.object_id('big'), 10, 'image/png', repeat('ab', 32), 1, 1) $$,
  '%storage.upload_unknown%', 'nobody finishes another user''s upload');
select lives_ok($$ select storage_private.abort_upload(tests.object_id('big')) $$, 'aborting another''s upload does nothing');
select tests.act_as('ada');
select is((select status from storage.objects where id = tests.object_id('big')), 'pending',
  'the owner still sees their pending upload');
select storage_private.abort_upload(tests.object_id('big'));
select is((select count(*)::int from storage.objects where id = tests.object_id('big')), 0,
  'the owner aborts their own pending upload');

-- A module's write rule: anyone signed in writes under shared/, run as the caller.
select tests.act_as_owner();
create function public.shared_folder(bucket text, path text) returns boolean
language sql stable set search_path = '' as $$ select (select auth.uid()) is not null and path like 'shared/%' $$;
grant execute on function public.shared_folder(text, text) to authenticated;
select platform.declare_bucket('board', 'storage', true, '{image/png}', 1000, authorize_write => 'public.shared_folder(text, text)');
select tests.act_as('bob');
select lives_ok($$ select * from storage_private.begin_upload('board', 'shared/note.png', 'image/png', 10, false) $$,
  'a bucket''s own write rule lets a user write where it says');
select throws_like($$ select * from storage_private.begin_upload('board', tests.user_id('bob') || '/a.png', 'image/png', 10, false) $$,
  '%storage.forbidden%', 'and only there: the rule replaces the default');
select tests.act_as('ada');
select throws_like($$ select * from storage_private.begin_upload('board', 'shared/note.png', 'image/png', 10, true) $$,
  '%belongs to another user%', 'PUT never replaces another user''s object (403)');

select * from finish();
rollback;
