-- Storage: buckets and their rules, object paths, the file-name rule.
begin;
select plan(22);

select has_table('storage', 'buckets', 'buckets live in the exposed storage schema');
select has_table('storage', 'objects', 'objects live in the exposed storage schema');
select is((select relrowsecurity from pg_class where oid = 'storage.objects'::regclass), true,
  'objects carry row-level security');
select ok('storage' = any (platform.exposed_schemas()), 'the storage schema is exposed through PostgREST');
select ok(not ('storage_private' = any (platform.exposed_schemas())), 'storage_private is never exposed');
select is((select array_agg(polname::text order by polname) from pg_policy where polrelid = 'storage.objects'::regclass),
  array['anyone reads public objects, owners read their own', 'owners delete their objects'],
  'one policy per command on objects: select and delete');
select ok(not has_table_privilege('authenticated', 'storage.objects', 'insert')
          and not has_any_column_privilege('authenticated', 'storage.objects', 'update'),
  'API roles never insert or update objects directly');

select lives_ok($$ select tests.make_bucket('pics', true) $$, 'a module declares a bucket');
select lives_ok($$ select tests.make_bucket('pics', true, 2000) $$, 'declaring again updates it (an upsert)');
select is((select max_bytes from storage.buckets where id = 'pics'), 2000::bigint, 'the new limit holds');
select throws_like($$ select platform.declare_bucket('Bad Name', 'storage', true, '{image/png}', 10) $$,
  '%buckets_id_format%', 'a bucket name is lower-case letters, digits and dashes');
select throws_like($$ select platform.declare_bucket('b2', 'storage', true, '{image/png}', 10,
  '{"thumb": {"fit": "cover", "width": 10}}') $$,
  '%buckets_variants_valid%', 'a cover variant needs a width and a height');
select throws_like($$ select platform.declare_bucket('b3', 'storage', true, '{image/png}', 10,
  '{"thumb": {"width": 99999}}') $$,
  '%buckets_variants_valid%', 'a variant box is at most 4096 pixels');
select throws_like($$ select platform.declare_bucket('b4', 'storage', true, '{png}', 10) $$,
  '%buckets_allowed_types_format%', 'allowed types are MIME types');

select ok(storage_private.path_is_valid('3f1c/avatars/me.png'), 'a path of plain segments is valid');
select ok(not storage_private.path_is_valid('a/../b.png') and not storage_private.path_is_valid('../b.png'),
  'a path never climbs out with ..');
select ok(not storage_private.path_is_valid('/abs.png') and not storage_private.path_is_valid('a//b.png')
          and not storage_private.path_is_valid('a/'), 'no leading slash, empty segment or trailing slash');
select ok(not storage_private.path_is_valid('a/.hidden') and not storage_private.path_is_valid('a/b~c.png')
          and not storage_private.path_is_valid('a/b c.png') and not storage_private.path_is_valid(repeat('a/', 20) || 'b'),
  'no hidden names, no ~ (variants use it), no spaces, at most 16 segments');
select ok(storage_private.extension_allowed('a/me.JPG', 'image/jpeg') and storage_private.extension_allowed('a/me.png', 'image/png'),
  'a name whose extension matches its content is allowed');
select ok(not storage_private.extension_allowed('a/me.html', 'image/png')
          and not storage_private.extension_allowed('a/notes.svg', 'text/plain'),
  'a PNG never carries an .html name, and no content an .svg one');

select tests.create_user('ada');
select tests.upload('ada', 'pics', tests.user_id('ada') || '/a.png');
select tests.act_as_owner();
select throws_like($$ select tests.make_bucket('pics', false) $$, '%holds objects%',
  'a bucket with objects never flips from public to private');
select throws_like($$ select platform.forget_bucket('pics') $$, '%still holds objects%',
  'a bucket with objects is not forgotten');

select * from finish();
rollback;
