-- Storage test helpers (core), loaded into the test template after the core helpers
-- (tests/fix_cluster.py). Objects have uuid ids, so they are remembered by name here.

create table tests.named_objects (
  name text primary key,
  id uuid not null
);
grant select, insert, update on tests.named_objects to public;

-- A test bucket: public or private, PNG and JPEG, 1,000 bytes, one variant.
create function tests.make_bucket(name text, public boolean, max_bytes bigint default 1000)
returns text
language sql volatile
as $$
  select platform.declare_bucket(name, 'storage', public, '{image/png,image/jpeg}', max_bytes,
                                 '{"thumb": {"width": 32, "height": 32, "fit": "cover"}}');
  select name
$$;

-- Upload as that user exactly as the gateway does (begin_upload, finish_upload), and
-- remember the object under `remember_as`; the transaction stays that user's afterwards.
create function tests.upload(
  username text, bucket text, path text, remember_as text default null,
  content_type text default 'image/png', size bigint default 100, width integer default 10
) returns uuid
language plpgsql volatile
as $$
declare
  object_id uuid;
begin
  perform tests.act_as(username);
  select b.object_id into object_id
    from storage_private.begin_upload(bucket, path, content_type, size, false) b;
  perform storage_private.finish_upload(object_id, size, content_type, repeat('ab', 32), width, width);
  if remember_as is not null then
    insert into tests.named_objects as n (name, id) values (remember_as, object_id)
    on conflict on constraint named_objects_pkey do update set id = excluded.id;
  end if;
  return object_id;
end
$$;

-- The uuid remembered under this name.
create function tests.object_id(name text) returns uuid
language sql stable
as $$ select n.id from tests.named_objects n where n.name = object_id.name $$;
