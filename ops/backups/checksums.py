"""Every table's row count and a content checksum, in one snapshot.

The checksum of a table is the sum, as a number, of a 64-bit hash of each row. A sum
does not depend on row order, so no table is sorted (it costs one sequential scan, and
tables are summed in parallel), and it counts duplicate rows. A row's hash is
``hash_record_extended`` of its columns, each hashed by its type's own hash function
when that hashes the value itself (integers, text, timestamps, uuid, jsonb... and
arrays of them: no text conversion, 3-6x faster than an MD5 of the row's text), a
tsvector by its binary form (``tsvectorsend``: lexemes and positions, half the time of
its text at a million articles), and by its text otherwise (enums and OID-based types,
whose hash would change with a restore's new OIDs; citext, whose hash ignores case).
The record hash combines its columns linearly (h * 31 + next), so a sum of record
hashes would only be a sum per column, blind to values swapped between rows: each row's
hash is mixed once more (``hashint8extended``) before it is summed. The session fixes
every setting that changes how a value is written as text (time zone, date style, float
digits, bytea).

A manifest records the method its sums were taken with (`METHOD`), and a verification
sums the copy the same way: 1 hashed tsvectors by their text, 2 by their binary form.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
from psycopg import sql

from ops.database import connect, translate_errors

logger = logging.getLogger(__name__)

#: Ordinary tables outside the system schemas, not owned by an extension.
#: ``permanent_only`` leaves out unlogged tables (a physical backup restores them empty).
TABLES_SQL = """
select n.nspname, c.relname
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'r'
   and (c.relpersistence = 'p' or not %(permanent_only)s)
   and n.nspname <> all (array['pg_catalog', 'information_schema'])
   and n.nspname !~ '^pg_(toast|temp)'
   and not exists (select from pg_catalog.pg_depend d
                    where d.classid = 'pg_catalog.pg_class'::regclass
                      and d.objid = c.oid and d.deptype = 'e')
 order by 1, 2"""

TABLE_SUM_SQL = """
select count(*),
       coalesce(sum(hashint8extended(hash_record_extended(row({columns}), 0), 0)::numeric),
                0)::text
  from {table} t"""

#: The methods sums are taken with (recorded in manifests): 1 hashed a tsvector by its
#: text, 2 by its binary form.
METHOD = 2

#: Each column's name, its type (after domains and arrays) and whether it is an array.
COLUMNS_SQL = """
select a.attname,
       coalesce(nullif(e.typbasetype, 0), e.oid)::regtype::text,
       t.typcategory = 'A'
  from pg_catalog.pg_attribute a
  join pg_catalog.pg_type t on t.oid = a.atttypid
  join pg_catalog.pg_type e on e.oid = case when t.typcategory = 'A' then t.typelem
                                            when t.typtype = 'd' then t.typbasetype
                                            else t.oid end
 where a.attrelid = %(table)s::regclass and a.attnum > 0 and not a.attisdropped
 order by a.attnum"""

#: Types whose hash function hashes the value (stable across a dump and restore).
BY_VALUE = (
    "smallint", "integer", "bigint", "numeric", "real", "double precision", "boolean",
    "text", "character varying", "character", "\"char\"", "name", "bytea", "uuid",
    "jsonb", "date", "timestamp without time zone", "timestamp with time zone",
    "time without time zone", "interval", "inet", "cidr", "macaddr", "xid8",
)  # fmt: skip

#: Settings that change how values are written as text.
SESSION_SETTINGS = (
    "set timezone = 'UTC'",
    "set datestyle = 'ISO, YMD'",
    "set intervalstyle = 'postgres'",
    "set extra_float_digits = 1",
    "set bytea_output = 'hex'",
)


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str


Sums = dict[str, TableSum]


def list_tables(
    url: str, *, permanent_only: bool = False, snapshot: str | None = None
) -> list[tuple[str, str]]:
    """(schema, table) of every table to sum."""
    with _snapshot_connection(url, snapshot) as conn:
        rows = conn.execute(TABLES_SQL, {"permanent_only": permanent_only}).fetchall()
        return [(str(schema), str(table)) for schema, table in rows]


def table_sums(
    url: str,
    *,
    snapshot: str | None = None,
    jobs: int = 2,
    permanent_only: bool = False,
    method: int = METHOD,
) -> Sums:
    """Rows and checksum of every table at ``url``, all read in ``snapshot`` when given
    (an id from ``pg_export_snapshot()``), on ``jobs`` connections, the way ``method``
    sums them."""
    tables = list_tables(url, permanent_only=permanent_only, snapshot=snapshot)
    chunks = [tables[i :: max(1, jobs)] for i in range(max(1, jobs))]
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        parts = list(pool.map(lambda chunk: _sum_tables(url, snapshot, chunk, method), chunks))
    sums: Sums = {}
    for part in parts:
        sums.update(part)
    return dict(sorted(sums.items()))


def compare(expected: Sums, actual: Sums) -> list[str]:
    """What differs between two sets of sums, one sentence per table; empty when equal."""
    problems = [f"table {name} is missing" for name in expected if name not in actual]
    problems += [f"table {name} is not in the source" for name in actual if name not in expected]
    for name, want in expected.items():
        got = actual.get(name)
        if got is None:
            continue
        if got.rows != want.rows:
            problems.append(f"table {name}: {got.rows:,} rows, the source had {want.rows:,}")
        elif got.checksum != want.checksum:
            problems.append(f"table {name}: same {got.rows:,} rows but different contents")
    return problems


def _sum_tables(
    url: str, snapshot: str | None, tables: Iterable[tuple[str, str]], method: int
) -> Sums:
    """Sums keyed by ``schema.table`` (as written, unquoted)."""
    sums: Sums = {}
    with _snapshot_connection(url, snapshot) as conn:
        for schema, table in tables:
            name = sql.Identifier(schema, table)
            columns = conn.execute(COLUMNS_SQL, {"table": name.as_string(conn)}).fetchall()
            values = [
                _hashed(sql.Identifier(str(column)), str(base), bool(array), method)
                for column, base, array in columns
            ]
            if not values:  # a table without columns: its rows are all alike
                values = [sql.SQL("0")]
            query = sql.SQL(TABLE_SUM_SQL).format(table=name, columns=sql.SQL(", ").join(values))
            row = conn.execute(query).fetchone()
            assert row is not None
            sums[f"{schema}.{table}"] = TableSum(rows=int(row[0]), checksum=str(row[1]))  # type: ignore[call-overload]
    return sums


def _hashed(column: sql.Identifier, base: str, array: bool, method: int) -> sql.Composable:
    """How a column enters the row's hash: as is, as its binary form, or as its text."""
    if base in BY_VALUE:
        return sql.SQL("t.{}").format(column)
    if base == "tsvector" and not array and method >= 2:
        return sql.SQL("pg_catalog.tsvectorsend(t.{})").format(column)
    return sql.SQL("t.{}::text").format(column)


def _snapshot_connection(url: str, snapshot: str | None) -> psycopg.Connection[tuple[object, ...]]:
    doing = "read table checksums"
    conn = connect(url, doing)
    with translate_errors(doing):
        conn.execute("begin isolation level repeatable read read only")
        if snapshot is not None:
            conn.execute(sql.SQL("set transaction snapshot {}").format(sql.Literal(snapshot)))
        for statement in SESSION_SETTINGS:
            conn.execute(sql.SQL(statement))
    return conn
