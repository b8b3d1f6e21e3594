-- Comments: threading, moderation, who sees what, private origin details.
begin;
select plan(28);

select tests.create_user('wanda', '{author}');
select tests.create_user('ravi');
select tests.create_user('olive');
select tests.create_user('mona', '{moderator}');

select tests.remember('article', tests.make_article('wanda', 'Open for comments'));
select tests.remember('other_article', tests.make_article('wanda', 'Another one'));
select tests.remember('draft', tests.make_article('wanda', 'Not yet', 'draft'));

-- A reader comments; the origin is captured from the request headers.
select tests.act_as('ravi');
select set_config('request.headers', '{"user-agent": "pgTAP/1.0", "x-forwarded-for": "203.0.113.7, 10.0.0.1"}', true);
with c as (insert into publishing.comments (article_id, body) values (tests.id('article'), 'First!') returning id)
select tests.remember('root', id) from c;
select is((select status from publishing.comments where id = tests.id('root')), 'pending',
  'a new comment waits for moderation');
select throws_ok(format('insert into publishing.comments (article_id, body) values (%s, %L)', tests.id('draft'), 'sneaky'),
  '42501', null, 'nobody comments on an article they cannot see');
select throws_ok(format('insert into publishing.comments (article_id, body, status) values (%s, %L, %L)', tests.id('article'), 'x', 'approved'),
  '42501', null, 'a commenter cannot approve their own comment (no column privilege)');

select tests.act_as_anon();
select is((select count(*)::int from publishing.comments), 0, 'anonymous readers do not see pending comments');
select tests.act_as('olive');
select is((select count(*)::int from publishing.comments), 0, 'nor do other users');
select tests.act_as('ravi');
select is((select count(*)::int from publishing.comments), 1, 'the commenter sees their own pending comment');
select throws_like(format('update publishing.comments set status = %L where id = %s', 'approved', tests.id('root')),
  '%status: only moderators moderate comments%', 'a commenter cannot change the moderation state');
select is((select count(*)::int from publishing.comment_moderation), 0, 'a commenter cannot read the moderation details');

-- Moderation
select tests.act_as('mona');
select is((select host(ip_address) || ' ' || user_agent from publishing.comment_moderation where comment_id = tests.id('root')),
  '203.0.113.7 pgTAP/1.0', 'moderators see the commenter''s IP address and user agent');
select is((publishing.moderate_comment(tests.id('root'), 'approved', 'fine')).status, 'approved', 'a moderator approves');
select is((select moderator_note from publishing.comment_moderation where comment_id = tests.id('root')), 'fine',
  'with a note');
select tests.act_as_anon();
select is((select body from publishing.comments), 'First!', 'an approved comment of a visible article is public');
select is((select comment_count from publishing.articles where id = tests.id('article')), 1,
  'the article counts its approved comments');
select throws_ok('select * from publishing.comment_moderation', '42501', null,
  'anonymous callers cannot touch moderation details at all');
select tests.act_as('ravi');
select throws_like(format('select publishing.moderate_comment(%s, %L)', tests.id('root'), 'removed'),
  '%publishing.moderators_only%', 'a user without the moderator privilege cannot moderate');
select tests.act_as('mona');
select is((publishing.moderate_comment(tests.id('root'), 'flagged', 'rude?')).status, 'flagged', 'a moderator flags');
select tests.act_as_anon();
select is((select count(*)::int from publishing.comments), 0, 'a flagged comment is hidden from the public');
select is((select comment_count from publishing.articles where id = tests.id('article')), 0,
  'and no longer counted');
select tests.act_as('mona');
select is((publishing.moderate_comment(tests.id('root'), 'removed')).status, 'removed', 'a moderator removes');
select throws_like(format('select publishing.moderate_comment(%s, %L)', tests.id('root'), 'spam'),
  '%publishing.invalid_status%', 'an unknown moderation state is refused naming the states');
select publishing.moderate_comment(tests.id('root'), 'approved');

-- Threads nest five levels at most
select tests.act_as('ravi');
select lives_ok($$
  do $d$ declare parent bigint := tests.id('root'); begin
    for i in 1 .. 4 loop
      insert into publishing.comments (article_id, parent_id, body)
      values (tests.id('article'), parent, 'reply ' || i) returning id into parent;
      perform tests.remember('level' || i, parent);
    end loop; end $d$ $$, 'replies nest down to the fifth level');
select is((select depth from publishing.comments where id = tests.id('level4')), 4::smallint, 'the fifth level has depth 4');
select throws_like(format('insert into publishing.comments (article_id, parent_id, body) values (%s, %s, %L)',
                          tests.id('article'), tests.id('level4'), 'too deep'),
  '%publishing.comment_too_deep%', 'a sixth level is refused naming parent_id');
select throws_like(format('insert into publishing.comments (article_id, parent_id, body) values (%s, %s, %L)',
                          tests.id('other_article'), tests.id('root'), 'wrong thread'),
  '%publishing.invalid_parent%', 'a reply must belong to the same article');

select tests.act_as_owner();
update publishing.comments set status = 'approved' where article_id = tests.id('article');
update publishing.comments set status = 'pending' where id = tests.id('level3');
select tests.act_as_anon();
select is((select jsonb_path_query_array(publishing.comment_tree(a), 'strict $.**.depth') from publishing.articles a
            where a.id = tests.id('article')), '[0, 1, 2]'::jsonb,
  'the comment tree nests replies and stops at a comment the reader cannot see');
select is((select publishing.comment_tree(a) -> 0 -> 'replies' -> 0 ->> 'body' from publishing.articles a
            where a.id = tests.id('article')), 'reply 1', 'replies hang under their parent');

-- Deleting
select tests.act_as('olive');
select is(tests.rows_affected(format('update publishing.comments set deleted_at = now() where id = %s', tests.id('root'))), 0,
  'another user cannot delete someone''s comment');
select tests.act_as('ravi');
select is(tests.rows_affected(format('update publishing.comments set deleted_at = now() where id = %s', tests.id('root'))), 1,
  'a commenter deletes their own comment (softly)');

select * from finish();
rollback;
