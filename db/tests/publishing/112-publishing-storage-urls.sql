-- Publishing: avatars and covers are storage objects of the right person.
begin;
select plan(10);

select tests.create_user('alice', '{author}');
select tests.create_user('eve', '{author}');
select tests.create_user('eddie', '{editor}');
select tests.upload('alice', 'avatars', tests.user_id('alice') || '/me.png', 'alice-avatar');
select tests.upload('eve', 'avatars', tests.user_id('eve') || '/me.png', 'eve-avatar');
select tests.upload('alice', 'covers', tests.user_id('alice') || '/cover.png', 'alice-cover');
select tests.upload('eddie', 'covers', tests.user_id('eddie') || '/cover.png', 'ed-cover');
select tests.act_as_owner();
select tests.remember('post', tests.make_article('alice', 'With a cover', 'draft'));

select is((select count(*)::int from storage.buckets where id in ('avatars', 'covers') and public), 2,
  'publishing declares two public buckets, avatars and covers');

select tests.act_as('alice');
select is(tests.rows_affected(format($$ update publishing.profiles set avatar_url = '/storage/public/avatars/%s/me.png'
  where user_id = %L $$, tests.user_id('alice'), tests.user_id('alice'))), 1,
  'a user points their avatar at their own uploaded image');
select throws_like(format($$ update publishing.profiles set avatar_url = '/storage/public/avatars/%s/me.png'
  where user_id = %L $$, tests.user_id('eve'), tests.user_id('alice')),
  '%publishing.avatar_not_yours%', 'but never at another user''s image');
select throws_like(format($$ update publishing.profiles set avatar_url = '/storage/public/avatars/%s/none.png'
  where user_id = %L $$, tests.user_id('alice'), tests.user_id('alice')),
  '%publishing.avatar_not_yours%', 'nor at an image that does not exist');
select throws_like(format($$ update publishing.profiles set avatar_url = '/storage/public/covers/%s/cover.png'
  where user_id = %L $$, tests.user_id('alice'), tests.user_id('alice')),
  '%publishing.avatar_not_yours%', 'nor at another bucket''s object');
select is(tests.rows_affected(format($$ update publishing.profiles set avatar_url = 'https://example.com/a.png'
  where user_id = %L $$, tests.user_id('alice'))), 1, 'an http(s) URL is still accepted');

select is(tests.rows_affected(format($$ update publishing.articles set cover_image_url = '/storage/public/covers/%s/cover.png'
  where id = %s $$, tests.user_id('alice'), tests.id('post'))), 1, 'an author uses their own cover image');
select throws_like(format($$ update publishing.articles set cover_image_url = '/storage/public/covers/%s/cover.png'
  where id = %s $$, tests.user_id('eddie'), tests.id('post')),
  '%publishing.cover_not_yours%', 'an author cannot use someone else''s upload as a cover');
select tests.act_as('eddie');
select is(tests.rows_affected(format($$ update publishing.articles set cover_image_url = '/storage/public/covers/%s/cover.png'
  where id = %s $$, tests.user_id('eddie'), tests.id('post'))), 1, 'an editor sets a cover they uploaded');
select is(tests.rows_affected(format($$ update publishing.articles set title = 'Retitled' where id = %s $$, tests.id('post'))), 1,
  'other edits leave the cover alone (it is not checked again)');

select * from finish();
rollback;
