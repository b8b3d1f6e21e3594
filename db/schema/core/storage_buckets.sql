-- Deploy platform:schema/core/storage_buckets to pg
-- requires: schema/core/storage_schemas
--
-- Buckets: where uploads go and the rules they follow, declared by modules in their
-- own changes (storage.declare_bucket, functions/core/storage_rules):
--   public          its files are served to anyone (nginx serves
--                   <storage dir>/public/<bucket>/<path> directly); otherwise every read
--                   is authorised by SQL first (private tree, X-Accel-Redirect).
--   allowed_types   the content types accepted, read from the file's magic bytes by the
--                   gateway (never from the name or Content-Type).
--   max_bytes       the largest file accepted (the stream is cut there: 413).
--   variants        image variants the gateway makes in the background, by name:
--                   {"thumb": {"width": 128, "height": 128, "fit": "cover", "format": "webp"}}
--                   (storage_private.variants_valid says what is allowed).
--   authorize_write / authorize_read  optional rules, functions (bucket text, path text)
--                   returns boolean run AS THE CALLER, like topic authorizers. Without
--                   one, a user writes only under their own folder (<user id>/...) and a
--                   private object is read by its owner only. Stored as text (the
--                   signature) and resolved at each use, like events.topics.authorize.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- The variants a bucket may declare: at most 8, named like identifiers, each a box
-- (width and/or height in pixels, 1 to 4096), a fit (contain keeps the whole image
-- inside the box, cover fills it and crops), an output format and a quality.
create function storage_private.variants_valid(variants jsonb) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.jsonb_typeof(variants) = 'object'
     and (select pg_catalog.count(*) from pg_catalog.jsonb_object_keys(variants)) <= 8
     and not exists (
       select from pg_catalog.jsonb_each(variants) v (name, spec)
        where v.name !~ '^[a-z][a-z0-9_]{0,23}$'
           or pg_catalog.jsonb_typeof(v.spec) <> 'object'
           or exists (select from pg_catalog.jsonb_object_keys(v.spec) k
                       where k <> all (array['width', 'height', 'fit', 'format', 'quality']))
           or not (v.spec ? 'width' or v.spec ? 'height')
           or (v.spec ? 'width' and not (pg_catalog.jsonb_typeof(v.spec -> 'width') = 'number'
                                         and (v.spec ->> 'width') ~ '^[0-9]{1,4}$'
                                         and (v.spec ->> 'width')::int between 1 and 4096))
           or (v.spec ? 'height' and not (pg_catalog.jsonb_typeof(v.spec -> 'height') = 'number'
                                          and (v.spec ->> 'height') ~ '^[0-9]{1,4}$'
                                          and (v.spec ->> 'height')::int between 1 and 4096))
           or (v.spec ? 'quality' and not (pg_catalog.jsonb_typeof(v.spec -> 'quality') = 'number'
                                           and (v.spec ->> 'quality') ~ '^[0-9]{1,3}$'
                                           and (v.spec ->> 'quality')::int between 1 and 100))
           or coalesce(v.spec ->> 'fit', 'contain') <> all (array['contain', 'cover'])
           or (v.spec ->> 'fit' = 'cover' and not (v.spec ? 'width' and v.spec ? 'height'))
           or coalesce(v.spec ->> 'format', 'webp') <> all (array['webp', 'jpeg', 'png', 'original']))
$$;
comment on function storage_private.variants_valid(jsonb) is
  'Whether a bucket''s variants declaration is well formed (names, boxes, fit, format, quality).';
revoke execute on function storage_private.variants_valid(jsonb) from public;

create table storage.buckets (
  -- the first segment of its URLs: lower-case letters, digits and dashes
  id text primary key constraint buckets_id_format check (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  -- the module that declared it (its revert forgets it)
  module text not null references platform.modules (name),
  public boolean not null,
  allowed_types text[] not null
    constraint buckets_allowed_types_format
      check (pg_catalog.cardinality(allowed_types) between 1 and 50
             and pg_catalog.array_to_string(allowed_types, ',')
                 ~ '^[a-z]+/[a-z0-9.+-]{1,100}(,[a-z]+/[a-z0-9.+-]{1,100})*$'),
  max_bytes bigint not null
    -- 10 GiB: the gateway streams to disk, but a bucket must say what it expects
    constraint buckets_max_bytes_range check (max_bytes between 1 and 10737418240),
  variants jsonb not null default '{}'
    constraint buckets_variants_valid check (storage_private.variants_valid(variants)),
  -- 'module.f(text,text)': (bucket, path) returns boolean, run as the caller
  authorize_write text constraint buckets_authorize_write_signature check (authorize_write ~ '^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\(text, ?text\)$'),
  authorize_read text constraint buckets_authorize_read_signature check (authorize_read ~ '^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\(text, ?text\)$'),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);
create index buckets_module_idx on storage.buckets (module);
comment on table storage.buckets is
  'Upload buckets and their rules (public, allowed types, size limit, image variants, optional rules), declared by modules.';
alter table storage.buckets enable row level security;

commit;
