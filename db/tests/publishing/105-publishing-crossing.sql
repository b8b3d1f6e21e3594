-- Every remaining publishing table, crossed by someone who should not get through.
begin;
select plan(9);

select tests.create_user('abe', '{author}');
select tests.create_user('ivan', '{author}');
select tests.create_user('rita2');
select tests.remember('draft', tests.make_article('abe', 'Private draft', 'draft'));
select tests.remember('live', tests.make_article('abe', 'Public piece'));
insert into publishing.tags (id, name, slug) values (9001, 'Crossing', 'crossing');
update publishing.articles set title = 'Private draft, edited' where id = tests.id('draft');
insert into publishing.article_likes (article_id, user_id) values (tests.id('live'), tests.user_id('rita2'));
insert into publishing.article_authors (article_id, user_id) values (tests.id('draft'), tests.user_id('rita2'));

select tests.act_as('ivan');
select throws_ok($$ insert into publishing.article_authors (article_id, user_id)
                    values (tests.id('draft'), tests.user_id('ivan')) $$,
  '42501', null, 'nobody makes themselves co-author of someone else''s article');
select throws_ok($$ insert into publishing.article_tags (article_id, tag_id) values (tests.id('live'), 9001) $$,
  '42501', null, 'nobody tags someone else''s article');
select is((select count(*)::int from publishing.article_revisions), 0, 'nobody reads the revisions of someone else''s article');
select is((select count(*)::int from publishing.article_likes), 0, 'nobody sees who else liked what');
select is(tests.rows_affected($$ delete from publishing.article_likes $$), 0, 'nor removes someone else''s like');
select throws_ok($$ insert into publishing.article_likes (article_id, user_id)
                    values (tests.id('live'), tests.user_id('rita2')) $$,
  '42501', null, 'nor likes in someone else''s name');
select tests.act_as_anon();
select throws_ok('select * from publishing.article_revisions', '42501', null, 'anonymous callers cannot read revisions');
select throws_ok('select * from publishing.article_likes', '42501', null, 'anonymous callers cannot read likes');
select is((select count(*)::int from publishing.article_authors), 0,
  'co-authorships of unpublished articles stay hidden from anonymous readers');

select * from finish();
rollback;
