/*
Lint unbounded_user_text: a text, varchar, citext, json, jsonb or bytea column (or an
array of them) that anon or authenticated may insert or update, with no bound on its
size: no length in its type (varchar(n)), and no CHECK constraint on the column or its
domain that limits it.

Why: PostgREST stores whatever the caller sends. One signed-in user stored 10 MB in
publishing.profiles.preferences, and every anonymous GET /profiles then carried it
(security finding 4): the database, the API and every client pay for it, on every read.

Fix: a CHECK constraint naming the field, in the change that creates the column:
`constraint <table>_<column>_length check (pg_catalog.char_length(<column>) <= 2000)`
(`octet_length(<column>::text)` for json/jsonb, bytea, `cardinality()` for arrays; a
depth limit for jsonb: `not pg_catalog.jsonb_path_exists(<column>, '$.**{6}')`).
PostgREST answers a violation with 400 and the constraint's name (so name it
<table>_<column>_...). What counts as a bound: a CHECK on the column calling char_length,
length, octet_length, pg_column_size, cardinality, array_length or jsonb_array_length; a
list of allowed values (`= any (array[...])`); or an anchored regular expression without
`*`, `+` or open `{n,}` repetition.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
),
-- A column's type and the domains it goes through to its base type.
column_type as (
  select a.attrelid, a.attnum, a.attname, a.atttypmod, a.atttypid,
         array(with recursive chain (oid, base) as (
                 select t.oid, t.typbasetype from pg_type t where t.oid = a.atttypid
                 union all
                 select t.oid, t.typbasetype from chain ch join pg_type t on t.oid = ch.base
                  where ch.base <> 0)
               select oid from chain) as types
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join scope s on s.oid = c.relnamespace
   where c.relkind in ('r', 'p') and not c.relispartition
     and a.attnum > 0 and not a.attisdropped
     and not exists (select from pg_depend d
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
),
writable as (
  select ct.*, t.typelem <> 0 and t.typlen = -1 as is_array,
         case when t.typelem <> 0 and t.typlen = -1 then t.typelem else t.oid end as elem_type,
         array(select r || ' ' || w from unnest(array['anon', 'authenticated']) r,
                                         unnest(array['insert', 'update']) w
                where has_schema_privilege(r, (select relnamespace from pg_class where oid = ct.attrelid), 'usage')
                  and has_column_privilege(r, ct.attrelid, ct.attnum, w)) as writers
    from column_type ct
    join pg_type t on t.oid = ct.types[pg_catalog.cardinality(ct.types)]
),
-- The CHECK expressions that apply to a column: the table's and its domains'.
bound as (
  select w.attrelid, w.attnum, pg_catalog.pg_get_constraintdef(con.oid) as def
    from writable w
    join pg_constraint con
      on (con.conrelid = w.attrelid and con.contype = 'c' and w.attnum = any (con.conkey))
      or (con.contypid = any (w.types) and con.contype = 'c')
)
select pg_catalog.format('%s.%I', w.attrelid::regclass, w.attname) as object,
       pg_catalog.format('%s column writable by %s with no size limit',
         pg_catalog.format_type(w.atttypid, w.atttypmod),
         pg_catalog.array_to_string(w.writers, ', ')) as detail
  from writable w
  join pg_type elem on elem.oid = w.elem_type
 where w.writers <> '{}'
   and elem.typname in ('text', 'varchar', 'bpchar', 'citext', 'json', 'jsonb', 'bytea')
   and not (w.atttypmod > 0 and not w.is_array)
   and not exists (
     select from bound b
      where b.attrelid = w.attrelid and b.attnum = w.attnum
        and (b.def ~ '(char_length|character_length|length|octet_length|pg_column_size|cardinality|array_length|jsonb_array_length)\('
             or b.def ~ '= ANY \(ARRAY\['
             or (b.def ~ '~ ''\^[^'']*\$''' and (pg_catalog.regexp_match(b.def, '~ ''(\^[^'']*\$)'''))[1] !~ '[*+]|,\}')))
