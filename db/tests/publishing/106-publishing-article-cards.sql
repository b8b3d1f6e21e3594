-- The article list view (publishing.article_cards): the same rows as /articles for
-- every caller, with the author and category attached.
begin;
select plan(9);

select tests.create_user('carla', '{author}');
select tests.create_user('cody');
select tests.create_user('rory');
select tests.create_user('edna', '{editor}');
insert into publishing.categories (id, name, slug) values (9101, 'Cards', 'cards');
select tests.remember('live', tests.make_article('carla', 'Card live'));
select tests.remember('draft', tests.make_article('carla', 'Card draft', 'draft'));
select tests.remember('future', tests.make_article('carla', 'Card future', 'published', now() + interval '1 day'));
select tests.remember('gone', tests.make_article('carla', 'Card gone', deleted => true));
update publishing.articles set category_id = 9101 where id in (select id from tests.named_ids);
insert into publishing.article_authors (article_id, user_id) values (tests.id('draft'), tests.user_id('cody'));

create function pg_temp.cards() returns text[] language sql as $$
  select coalesce(array_agg(i.name order by i.name), '{}')
    from publishing.article_cards c join tests.named_ids i on i.id = c.id $$;
create function pg_temp.articles() returns text[] language sql as $$
  select coalesce(array_agg(i.name order by i.name), '{}')
    from publishing.articles a join tests.named_ids i on i.id = a.id $$;
grant execute on function pg_temp.cards(), pg_temp.articles() to public;

select tests.act_as_anon();
select is(pg_temp.cards(), array['live'], 'anonymous readers list only the published, current, undeleted article');
select is(pg_temp.cards(), pg_temp.articles(), 'and exactly what /articles shows them');
select is((select author ->> 'username' from publishing.article_cards where id = tests.id('live')),
  'carla', 'the card carries its author''s username');
select is((select category from publishing.article_cards where id = tests.id('live')),
  '{"name": "Cards", "slug": "cards"}'::jsonb, 'and its category''s name and slug');
select tests.act_as('rory');
select is(pg_temp.cards(), pg_temp.articles(), 'another signed-in user lists what /articles shows them');
select ok(not ('draft' = any(pg_temp.cards())), 'which leaves out someone else''s draft');
select tests.act_as('cody');
select ok('draft' = any(pg_temp.cards()) and pg_temp.cards() = pg_temp.articles(),
  'a co-author lists the draft they co-write, like on /articles');
select tests.act_as('edna');
select is(pg_temp.cards(), pg_temp.articles(), 'editors list every article, as on /articles');
select tests.act_as_owner();
select ok((select reloptions @> array['security_invoker=true'] from pg_class
            where oid = 'publishing.article_cards'::regclass),
  'the view reads as its caller (security_invoker), so the articles policies apply');

select * from finish();
rollback;
