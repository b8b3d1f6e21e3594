-- Commenting and liking check the one article concerned: the policies look it up by
-- its key, never read every visible article (an uncorrelated IN did, once per insert).
-- An author's desk (their drafts, newest first) reads its 20 rows from one index.
begin;
select plan(7);

select tests.create_user('ines', '{author}');
select tests.create_user('ike');
select tests.remember('live', tests.make_article('ines', 'Checks live'));
select tests.remember('draft', tests.make_article('ines', 'Checks draft', 'draft'));

create function public.insert_plan(query text) returns text
language plpgsql as $$
declare line text; lines text := '';
begin
  for line in execute 'explain (costs off) ' || query loop
    lines := lines || line || e'\n';
  end loop;
  return lines;
end $$;
grant execute on function public.insert_plan(text) to authenticated;

select tests.act_as('ike');
-- Correlated: the article is looked up by the new row's article_id (by its primary key
-- on a real table; this one is too small for the planner to care which index).
select alike(public.insert_plan(format(
    'insert into publishing.comments (article_id, body) values (%s, %L)', tests.id('live'), 'Hi')),
  '%SubPlan%(id = comments.article_id)%',
  'a new comment''s policy check looks up its own article, not every visible one');
select alike(public.insert_plan(format(
    'insert into publishing.article_likes (article_id) values (%s)', tests.id('live'))),
  '%SubPlan%(id = article_likes.article_id)%',
  'so does a new like''s');
select lives_ok(format('insert into publishing.comments (article_id, body) values (%s, %L)',
    tests.id('live'), 'On a visible article'),
  'a signed-in user comments on an article they can see');
select throws_ok(format('insert into publishing.comments (article_id, body) values (%s, %L)',
    tests.id('draft'), 'On a draft'),
  '42501', null, 'but not on someone else''s draft');
select lives_ok(format('insert into publishing.article_likes (article_id) values (%s)', tests.id('live')),
  'a signed-in user likes an article they can see');
select throws_ok(format('insert into publishing.article_likes (article_id) values (%s)', tests.id('draft')),
  '42501', null, 'but not someone else''s draft');

select tests.act_as('ines');
set local enable_seqscan = off;
set local enable_bitmapscan = off;
select alike(public.insert_plan(format(
    'select id from publishing.articles where author_id = %L and status = %L and deleted_at is null'
    ' order by updated_at desc, id desc limit 20', tests.user_id('ines'), 'draft')),
  '%Index Scan using articles_author_desk_idx%',
  'an author''s drafts, newest first, come in order from articles_author_desk_idx (no sort)');

select * from finish();
rollback;
