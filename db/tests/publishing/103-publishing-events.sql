-- Publishing change events: types and audiences computed next to the policies; audit trail.
begin;
select plan(15);

select tests.create_user('ann', '{author}');
select tests.create_user('eve', '{editor}');
select tests.create_user('rob');
select tests.create_user('mia', '{moderator}');

select tests.act_as('ann');
with a as (insert into publishing.articles (title, content) values ('Evented', 'words') returning id)
select tests.remember('article', id) from a;
select tests.act_as_owner();
select events.sequence_pending();

select results_eq($$ select topic from events.outbox order by id $$,
  array['publishing:articles', 'publishing:article:' || tests.id('article'), 'publishing:review',
        'user:' || tests.user_id('ann')],
  'a new article is announced on the list, its own topic, the review queue and its author''s topic');
select is((select type from events.outbox order by id limit 1), 'article.created', 'as article.created');
select is((select audience from events.outbox order by id limit 1),
  jsonb_build_object('users', jsonb_build_array(tests.user_id('ann')), 'privileges', jsonb_build_array('editor')),
  'a draft''s events go to its authors and editors only');

select tests.act_as('eve');
select publishing.publish_article(tests.id('article'));
select tests.act_as_owner();
select events.sequence_pending();
select is((select audience from events.outbox where type = 'article.published' limit 1), '{"public": true}'::jsonb,
  'a published article''s events go to everyone');

delete from events.outbox;
select tests.act_as('rob');
insert into publishing.article_likes (article_id) values (tests.id('article'));
select tests.act_as_owner();
select events.sequence_pending();
select is((select count(*)::int from events.outbox), 0, 'a like (a counter change) is not an article event');
select tests.act_as('rob');
insert into publishing.comments (article_id, body) values (tests.id('article'), 'Nice');
select tests.act_as_owner();
select events.sequence_pending();
select is((select type || ' ' || (audience -> 'privileges' ->> 0) from events.outbox where topic like 'publishing:%'),
  'comment.created moderator',
  'a new (pending) comment is announced to its author and moderators only');

select is((select payload -> 'record' ? 'search' from events.outbox limit 1), false, 'no search vector in payloads');

delete from events.outbox;
select tests.act_as('mia');
select publishing.moderate_comment((select max(id) from publishing.comments), 'approved', 'fine');
select tests.act_as_owner();
select events.sequence_pending();
select is((select type || ' ' || audience::text from events.outbox where topic like 'publishing:article:%'),
  'comment.moderated {"public": true}',
  'approving a comment of a published article is comment.moderated, announced to everyone');

delete from events.outbox;
select tests.act_as('eve');
update publishing.articles set title = 'Evented, revised' where id = tests.id('article');
select tests.act_as_owner();
select events.sequence_pending();
select is((select type from events.outbox where topic = 'publishing:articles'), 'article.updated',
  'an edit of the text is article.updated');

delete from events.outbox;
select tests.act_as('eve');
select publishing.archive_article(tests.id('article'));
select tests.act_as_owner();
select events.sequence_pending();
-- (the withdrawal notice written beside it: core/034-realtime-withdrawn)
select is((select type || ' ' || (audience -> 'privileges' ->> 0) from events.outbox where topic = 'publishing:articles'
            and type <> 'article.withdrawn'),
  'article.archived editor',
  'archiving is article.archived, and an archived article''s events go to its authors and editors only');

delete from events.outbox;
select tests.act_as('eve');
update publishing.articles set deleted_at = now() where id = tests.id('article');
select tests.act_as_owner();
select events.sequence_pending();
select is((select type from events.outbox where topic = 'publishing:articles'), 'article.deleted',
  'a soft delete is article.deleted');

select results_eq(
  $$ select c.relname::text collate "default" from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('publishing', 'publishing_private') and c.relkind in ('r', 'p')
        and not c.relispartition
        and not exists (select from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'audit_insert')
      order by 1 $$,
  array['article_views', 'legacy_ids', 'search_words'],
  'every table of the module is audited but the raw view log (a log itself), the legacy import''s id map (written in bulk; each import''s record is audited) and the title-word index (derived from audited titles)');
select is((select count(*)::int from pg_trigger t join pg_class c on c.oid = t.tgrelid
            join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'publishing' and t.tgname = 'audit_truncate'),
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'publishing' and c.relkind = 'r'),
  'every publishing table logs truncates too');
select ok(exists (select from audit.log where table_name = 'articles' and operation = 'UPDATE'
                   and actor_id = tests.user_id('eve') and 'status' = any (changed_columns)),
  'publishing is audited with the acting user and the changed columns');
select ok((select bool_and(not (new_record ? 'search')) from audit.log where table_name = 'articles'),
  'the search vector is kept out of the audit log');

select * from finish();
rollback;
