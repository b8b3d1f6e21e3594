-- Profiles, categories, tags, likes, views and site settings.
begin;
select plan(24);

select tests.create_user('pat', '{author}');
select tests.create_user('quinn');
select tests.create_user('eddy', '{editor}');
select tests.create_user('root', '{admin}');

-- Profiles
select is((select display_name from publishing.profiles where user_id = tests.user_id('pat')), 'pat',
  'every account gets a profile named after its username');
select tests.act_as('pat');
select is(tests.rows_affected(format('update publishing.profiles set bio = %L where user_id = %L', 'Writes things', tests.user_id('pat'))), 1,
  'a user edits their own profile');
select is(tests.rows_affected(format('update publishing.profiles set bio = %L where user_id = %L', 'Hacked', tests.user_id('quinn'))), 0,
  'but not someone else''s');
select throws_ok(format('update publishing.profiles set username = %L where user_id = %L', 'pat2', tests.user_id('pat')), '42501', null,
  'nor their username (that belongs to the account)');
select throws_like(format('update publishing.profiles set timezone = %L where user_id = %L', 'Mars/Olympus', tests.user_id('pat')),
  '%publishing.invalid_timezone%', 'an unknown time zone is refused naming the field');
select is((select publishing.email(p) from publishing.profiles p where user_id = tests.user_id('pat')), 'pat@example.test',
  'a user sees their own email');
select is((select publishing.email(p) from publishing.profiles p where user_id = tests.user_id('quinn')), null,
  'but not other users'' emails');
select tests.act_as_anon();
select is((select publishing.email(p) from publishing.profiles p where user_id = tests.user_id('quinn')), null,
  'anonymous readers see no email');
select tests.act_as('root');
select is((select publishing.email(p) from publishing.profiles p where user_id = tests.user_id('quinn')), 'quinn@example.test',
  'admins see every email');

-- Categories and tags
select tests.act_as('quinn');
select throws_ok($$ insert into publishing.categories (name, slug) values ('News', 'news') $$, '42501', null,
  'a reader cannot create categories');
select tests.act_as('eddy');
insert into publishing.categories (id, name, slug) values (1001, 'News', 'news'), (1002, 'World', 'world');
update publishing.categories set parent_id = 1001 where id = 1002;
insert into publishing.categories (id, parent_id, name, slug, sort_order) values (1003, 1002, 'Europe', 'europe', 1);
select throws_like($$ update publishing.categories set parent_id = 1003 where id = 1001 $$,
  '%publishing.category_cycle%', 'moving a category under its own descendant is refused');
select is(publishing.category_tree() -> 0 -> 'children' -> 0 -> 'children' -> 0 ->> 'slug', 'europe',
  'the category tree comes nested in one call');
select tests.act_as('pat');
select lives_ok($$ insert into publishing.tags (name, slug) values ('Postgres', 'postgres') $$, 'authors create tags');
select is(tests.rows_affected($$ update publishing.tags set name = 'PG' $$), 0, 'but only editors rename them');

-- Likes and views
select tests.act_as_owner();
select tests.remember('live', tests.make_article('pat', 'Likeable'));
select tests.remember('draft', tests.make_article('pat', 'Unlikeable', 'draft'));
select tests.act_as('quinn');
insert into publishing.article_likes (article_id) values (tests.id('live'));
select is((select like_count from publishing.articles where id = tests.id('live')), 1,
  'a like is counted on the article');
select throws_ok($$ insert into publishing.article_likes (article_id) values (tests.id('live')) $$, '23505', null,
  'one like per user per article');
select throws_ok($$ insert into publishing.article_likes (article_id) values (tests.id('draft')) $$, '42501', null,
  'nobody likes an article they cannot see');
delete from publishing.article_likes;
select is((select like_count from publishing.articles where id = tests.id('live')), 0,
  'unliking uncounts');
select tests.act_as_anon();
select lives_ok($$ select publishing.record_view(tests.id('live')) $$, 'anonymous readers record views');
select is((select view_count from publishing.articles where id = tests.id('live')), 1::bigint,
  'the view is counted on the article');
select throws_like($$ select publishing.record_view(tests.id('draft')) $$,
  '%publishing.article_not_found%', 'a view of an unpublished article is refused');
select tests.act_as_owner();
select ok((select count(*) >= 4 from pg_inherits where inhparent = 'publishing_private.article_views'::regclass),
  'view partitions exist for this month and the months ahead');

-- Site settings
select tests.act_as('eddy');
select throws_ok($$ insert into publishing.site_settings (key, value) values ('title', '"Blog"') $$, '42501', null,
  'an editor cannot change site settings');
select tests.act_as('root');
insert into publishing.site_settings (key, value) values ('title', '"The Blog"');
select tests.act_as_anon();
select is((select value from publishing.site_settings where key = 'title'), '"The Blog"'::jsonb,
  'admins write site settings, everyone reads them');

select * from finish();
rollback;
