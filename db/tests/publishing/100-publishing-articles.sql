-- Articles: who sees what, who may change what, workflow, versions, revisions.
begin;
select plan(40);

select tests.create_user('alice', '{author}');
select tests.create_user('colin', '{author}');
select tests.create_user('oscar', '{author}');
select tests.create_user('rhea');
select tests.create_user('edith', '{editor}');

select tests.remember('visible', tests.make_article('alice', 'Visible story'));
select tests.remember('draft', tests.make_article('alice', 'Secret draft', 'draft'));
select tests.remember('review', tests.make_article('alice', 'Waiting review', 'in_review'));
select tests.remember('future', tests.make_article('alice', 'Future story', 'published', now() + interval '1 day'));
select tests.remember('deleted', tests.make_article('alice', 'Deleted story', 'published', now() - interval '1 day', true));
select tests.remember('archived', tests.make_article('alice', 'Archived story', 'archived'));
insert into publishing.article_authors values (tests.id('draft'), tests.user_id('colin'));

-- Visibility
select tests.act_as_anon();
select results_eq($$ select id from publishing.articles order by id $$, array[tests.id('visible')],
  'anonymous readers see only the published, undeleted, already-published article');
select tests.act_as('rhea');
select results_eq($$ select id from publishing.articles order by id $$, array[tests.id('visible')],
  'a signed-in reader sees the same as an anonymous one');
select tests.act_as('oscar');
select results_eq($$ select id from publishing.articles order by id $$, array[tests.id('visible')],
  'another author does not see someone else''s drafts');
select tests.act_as('colin');
select results_eq($$ select id from publishing.articles order by id $$,
  array[tests.id('visible'), tests.id('draft')], 'a co-author sees the draft they co-write');
select tests.act_as('alice');
select is((select count(*)::int from publishing.articles), 6, 'the author sees all of their own articles');
select tests.act_as('edith');
select is((select count(*)::int from publishing.articles), 6, 'an editor sees everything');

-- Creating
select tests.act_as_anon();
select throws_ok($$ insert into publishing.articles (title) values ('anon post') $$, '42501', null,
  'anonymous callers cannot create articles');
select tests.act_as('rhea');
select throws_ok($$ insert into publishing.articles (title) values ('reader post') $$, '42501', null,
  'a reader without the author privilege cannot create articles');
select tests.act_as('alice');
with x as (insert into publishing.articles (title, content) values ('Héllo, World: Again!', 'one two three') returning id)
select tests.remember('new', id) from x;
select is((select slug from publishing.articles where id = tests.id('new')), 'hello-world-again',
  'a slug is generated from the title');
select tests.act_as_owner();
select tests.act_as('alice');
with x as (insert into publishing.articles (title) values ('Hello world again') returning id)
select tests.remember('new2', id) from x;
select is((select slug from publishing.articles where id = tests.id('new2')), 'hello-world-again-2',
  'a taken slug gets a numeric suffix');
select is((select status || '/' || version || '/' || author_id::text from publishing.articles where id = tests.id('new')),
  'draft/1/' || tests.user_id('alice')::text, 'a new article is a version-1 draft by its creator');
select throws_like($$ insert into publishing.articles (title, status) values ('straight to print', 'published') $$,
  '%publishing.forbidden_change%', 'an author cannot create a published article');
select throws_like($$ insert into publishing.articles (title, featured) values ('feature me', true) $$,
  '%publishing.forbidden_change%', 'an author cannot create a featured article');
select throws_ok($$ insert into publishing.articles (title, author_id) values ('ghost', tests.user_id('oscar')) $$,
  '42501', null, 'an author cannot create an article in someone else''s name');

-- Editing
select is(tests.rows_affected(format('update publishing.articles set title = ''Hijack'' where id = %s', tests.id('draft'))), 1, 'the author edits their draft');
select tests.act_as('colin');
select is(tests.rows_affected(format('update publishing.articles set excerpt = ''Co-written'' where id = %s', tests.id('draft'))), 1, 'a co-author edits the draft too');
select tests.act_as('oscar');
select is(tests.rows_affected(format('update publishing.articles set title = ''Hijack'' where id = %s', tests.id('review'))), 0, 'another author cannot edit it (no row matches)');
select tests.act_as('alice');
select is(tests.rows_affected(format('update publishing.articles set title = ''Fix typo'' where id = %s', tests.id('visible'))), 0, 'an author cannot edit their article once published');
select throws_like(format('update publishing.articles set featured = true where id = %s', tests.id('draft')),
  '%featured, publish_at and published_at are set by editors%', 'an author cannot feature an article');
select throws_ok(format('update publishing.articles set like_count = 1000 where id = %s', tests.id('draft')),
  '42501', null, 'nobody sets counters through the API (no column privilege)');
select throws_like(format('select publishing.publish_article(%s)', tests.id('draft')),
  '%publishing.editors_only%', 'an author cannot publish');
select is((publishing.submit_for_review(tests.id('draft'))).status, 'in_review', 'an author submits their draft for review');

-- Optimistic concurrency
select is((select version from publishing.articles where id = tests.id('draft')), 4,
  'every accepted edit bumped the version (two edits and a submission)');
select throws_like(format('update publishing.articles set title = %L, version = 2 where id = %s', 'Stale edit', tests.id('draft')),
  '%publishing.version_conflict%current_version%4%', 'an edit carrying a stale version is refused with the current version');
select is(tests.rows_affected(format('update publishing.articles set title = ''Fresh edit'', version = 4 where id = %s', tests.id('draft'))), 1, 'the edit with the current version applies');
select is((select version from publishing.articles where id = tests.id('draft')), 5, 'an edit carrying the current version is accepted and bumps it');

-- Editors
select tests.act_as('edith');
select ok((select status = 'published' and published_at <= now() from publishing.publish_article(tests.id('draft'))),
  'an editor publishes an article: published now');
select is((publishing.archive_article(tests.id('visible'))).status, 'archived', 'an editor archives an article');
select ok((select publish_at > now() and status = 'in_review' from publishing.schedule_article(tests.id('new'), now() + interval '1 hour')),
  'an editor schedules a draft: it waits in review with its time');
select throws_like(format('select publishing.schedule_article(%s, now() - interval %L)', tests.id('new2'), '1 hour'),
  '%publishing.invalid_schedule%', 'a schedule in the past is refused');

-- The scheduled job publishes due articles
select tests.act_as_owner();
update publishing.articles set publish_at = now() - interval '1 minute' where id = tests.id('new');
select is(publishing.publish_due_articles(), 1, 'the due-article job publishes what is due');
select tests.act_as_anon();
select ok(exists (select from publishing.articles where id = tests.id('new')), 'and anonymous readers now see it');

-- Revisions
select tests.act_as('alice');
select results_eq(format('select version || '':'' || title from publishing.article_revisions where article_id = %s order by version', tests.id('draft')),
  array['1:Secret draft', '2:Hijack', '4:Hijack'], 'each text change kept the previous text as a revision; a status change did not');
select tests.act_as('edith');
select is((publishing.restore_revision((select id from publishing.article_revisions
                                         where article_id = tests.id('draft') and version = 1))).title,
  'Secret draft', 'restoring a revision brings its text back');
select is((select count(*)::int from publishing.article_revisions where article_id = tests.id('draft')), 4,
  'and the restore itself is recorded as a revision');

-- Stable slugs, size limits, editors' flags
select is((select slug from publishing.articles where id = tests.id('draft')), 'secret-draft',
  'the slug keeps the first title''s form through every title change (links stay valid)');
select tests.act_as('alice');
select lives_ok($$ insert into publishing.articles (title, content) values ('Exactly a megabyte', repeat('x', 1048576)) $$,
  'content of exactly 1 MB is accepted');
select throws_like($$ insert into publishing.articles (title, content) values ('Too long', repeat('x', 1048577)) $$,
  '%articles_content_size%', 'content over 1 MB is refused by a constraint naming the field');
select throws_like($$ insert into publishing.articles (title, cover_image_url) values ('Bad cover', 'javascript:alert(1)') $$,
  '%articles_cover_image_url_format%', 'a cover image URL must be http(s)');
select tests.act_as('edith');
select is(tests.rows_affected(format('update publishing.articles set featured = true where id = %s', tests.id('new'))), 1,
  'an editor features a published article');

select * from finish();
rollback;
