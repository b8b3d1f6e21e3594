"""Undo one import exactly (``inv import.rollback IMPORT_ID``).

Removes the rows the import created (the id map's ``created`` rows: accounts with their
profiles and privileges, categories, tags, articles with their tag links, comments with
their moderation rows, new site settings), puts back the site settings it replaced, and
leaves the rows it merged into. One transaction; audit and event triggers paused as for
the import; one audited update of the import record and one event.

Rows that users created afterwards and that hang from imported rows (a comment on an
imported article, a like, a revision, an article of an imported account, ...) are found
through the catalog's foreign keys, not a hand-kept list, so later modules are covered.
They are reported and the rollback refuses, unless ``--dependents delete`` says to
delete them too (their deletion is audited like any other).
"""

from __future__ import annotations

import getpass
import logging
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from core.errors import OpsError
from ops.legacy_blog.load import LOCK, REPLACED_TRIGGERS, TABLES
from ops.seed import Say, alter_triggers, pause_triggers

logger = logging.getLogger(__name__)

#: imported table -> (legacy table of the id map, key column of the map)
IMPORTED = {
    "auth.users": ("blog_customuser", "target_uuid"),
    "publishing.profiles": ("blog_customuser", "target_uuid"),
    "journal.authors": ("blog_customuser", "target_uuid"),
    "publishing.articles": ("blog_article", "target_id"),
    "publishing.comments": ("blog_comment", "target_id"),
    "publishing.categories": ("blog_category", "target_id"),
    "publishing.tags": ("blog_tag", "target_id"),
}
#: Triggers a rollback pauses besides the import's, and what it does instead.
ROLLBACK_REPLACED = {
    **REPLACED_TRIGGERS,
    # one UPDATE per deleted article and title word: the same few rows of a small
    # vocabulary updated 100,000 times in one transaction grow version chains that every
    # next update walks (a 100,000-article rollback took 449 s)
    "publishing_private.collect_title_words": "the title words' counts are decremented"
    " once, set-based, with the same publishing_private.title_words",
}
#: Rows that are part of an imported row (created with it, one per row or per link):
#: removed with it, never counted as a user's later work.
PART_OF = (
    "publishing.profiles",
    "journal.authors",
    "auth.user_privileges",
    "auth.sessions",
    "publishing.comment_moderation",
)
#: Tables whose imported rows the map names by a text key rather than a single id.
LINKS = {
    "publishing.article_tags": ("blog_article_tags", "article_id::text || '/' || tag_id::text")
}


@dataclass
class Rollback:
    import_id: int
    dependents: list[dict[str, Any]] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)
    restored_settings: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "dependents": self.dependents,
            "removed": self.removed,
            "restored_settings": self.restored_settings,
        }


def _keys(table: str) -> sql.Composed:
    legacy, column = IMPORTED[table]
    return sql.SQL(
        "select {} from publishing_private.legacy_ids"
        " where import_id = %(import_id)s and legacy_table = {} and created"
    ).format(sql.Identifier(column), sql.Literal(legacy))


def _not_imported(query: sql.Composed, table: str, pk: str | None) -> sql.Composed:
    """``query`` (a statement on ``table`` aliased ``t``) limited to rows the import did not
    make. NOT EXISTS, an anti-join: NOT IN over 400,000 ids outgrows work_mem and turns
    into a scan of the list per row."""
    if table in LINKS:
        legacy, key = LINKS[table]
        return sql.SQL(
            "{q} and not exists (select from publishing_private.legacy_ids m"
            " where m.import_id = %(import_id)s and m.legacy_table = {legacy}"
            " and m.target_key = {key})"
        ).format(q=query, key=sql.SQL(key), legacy=sql.Literal(legacy))
    if table in IMPORTED and pk and "," not in pk:
        legacy, column = IMPORTED[table]
        return sql.SQL(
            "{q} and not exists (select from publishing_private.legacy_ids m"
            " where m.import_id = %(import_id)s and m.legacy_table = {legacy} and m.created"
            " and m.{column} = t.{pk})"
        ).format(
            q=query,
            legacy=sql.Literal(legacy),
            column=sql.Identifier(column),
            pk=sql.Identifier(pk.strip('"')),
        )
    return query


def find_dependents(conn: psycopg.Connection[Any], import_id: int) -> list[dict[str, Any]]:
    """Rows not made by the import that reference rows it made (single-column foreign keys)."""
    fks = conn.execute(
        """select c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text,
                  (select string_agg(quote_ident(pa.attname), ',')
                     from pg_index i join pg_attribute pa
                       on pa.attrelid = i.indrelid and pa.attnum = any (i.indkey)
                    where i.indrelid = c.conrelid and i.indisprimary)
             from pg_constraint c
             join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
            where c.contype = 'f' and cardinality(c.conkey) = 1
              and c.confrelid = any (%s::regclass[])
            order by 1, 2""",
        (list(IMPORTED),),
    ).fetchall()
    found: list[dict[str, Any]] = []
    for table, column, referenced, pk in fks:
        if table in PART_OF or table.startswith("publishing_private.legacy"):
            continue
        query: sql.Composed = sql.SQL(
            "select count(*) from {t} as t where t.{c} in ({keys})"
        ).format(
            t=sql.Identifier(*table.split(".")),
            c=sql.Identifier(column),
            keys=_keys(referenced),
        )
        query = _not_imported(query, table, pk)
        row = conn.execute(query, {"import_id": import_id}).fetchone()
        count = int(row[0]) if row else 0
        if count:
            found.append(
                {"table": table, "column": column, "references": referenced, "rows": count,
                 "pk": pk}
            )  # fmt: skip
    return found


def rollback(
    conn: psycopg.Connection[Any], import_id: int, dependents: str | None, say: Say
) -> Rollback:
    """Undo import ``import_id`` in ``conn``'s transaction."""
    conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (LOCK,))
    row = conn.execute(
        "select rolled_back_at from publishing_private.legacy_imports where id = %s for update",
        (import_id,),
    ).fetchone()
    if row is None:
        raise OpsError(f"there is no import {import_id}", "list them: inv import.list")
    if row[0] is not None:
        raise OpsError(f"import {import_id} was rolled back at {row[0]}", "nothing to do")
    # the id map's statistics may predate a large import: the anti-joins need them
    conn.execute("analyze publishing_private.legacy_ids")
    result = Rollback(import_id)
    found = find_dependents(conn, import_id)
    result.dependents = [{k: v for k, v in d.items() if k != "pk"} for d in found]
    if found and dependents != "delete":
        listed = "; ".join(f"{d['rows']:,} in {d['table']} ({d['column']})" for d in found)
        raise OpsError(
            f"import {import_id}: rows created since reference what it imported: {listed}",
            "delete them with the import: inv import.rollback"
            f" {import_id} --dependents delete (or keep the import)",
        )
    params = {"import_id": import_id}
    for d in found:  # users' later rows: deleted with their triggers on (audited)
        table = d["table"]
        delete: sql.Composed = sql.SQL("delete from {t} as t where t.{c} in ({keys})").format(
            t=sql.Identifier(*table.split(".")),
            c=sql.Identifier(d["column"]),
            keys=_keys(d["references"]),
        )
        delete = _not_imported(delete, table, d["pk"])
        say(f"deleting {d['rows']:,} later rows of {table}")
        conn.execute(delete, params)
    paused = pause_triggers(conn, TABLES, ROLLBACK_REPLACED, say)
    conn.execute(
        sql.SQL(
            """update publishing_private.search_words s set articles = s.articles - d.n
                 from (select w, count(*) as n
                         from publishing.articles a,
                              unnest(publishing_private.title_words(a.title)) w
                        where a.id in ({keys})
                          and publishing_private.title_words_count(a.status, a.deleted_at)
                        group by w) d
                where s.word = d.w"""
        ).format(keys=_keys("publishing.articles")),
        params,
    )
    for table in ("publishing.comments", "publishing.articles", "publishing.tags"):
        cur = conn.execute(
            sql.SQL("delete from {} where id in ({})").format(
                sql.Identifier(*table.split(".")), _keys(table)
            ),
            params,
        )
        result.removed[table] = cur.rowcount
    removed = 0
    while True:  # categories: leaves first (parent_id is ON DELETE RESTRICT)
        cur = conn.execute(
            sql.SQL(
                """delete from publishing.categories c where c.id in ({keys})
                     and not exists (select from publishing.categories k
                                      where k.parent_id = c.id)"""
            ).format(keys=_keys("publishing.categories")),
            params,
        )
        if cur.rowcount <= 0:
            break
        removed += cur.rowcount
    result.removed["publishing.categories"] = removed
    cur = conn.execute(
        sql.SQL("delete from auth.users where id in ({})").format(_keys("auth.users")), params
    )
    result.removed["auth.users"] = cur.rowcount
    cur = conn.execute(
        """delete from publishing.site_settings s using publishing_private.legacy_ids m
            where m.import_id = %(import_id)s and m.legacy_table = 'blog_sitesetting'
              and m.created and s.key = m.target_key""",
        params,
    )
    result.removed["publishing.site_settings"] = cur.rowcount
    cur = conn.execute(
        """update publishing.site_settings s set value = m.previous, updated_at = now(),
                  updated_by = null
             from publishing_private.legacy_ids m
            where m.import_id = %(import_id)s and m.legacy_table = 'blog_sitesetting'
              and not m.created and m.previous is not null and s.key = m.target_key""",
        params,
    )
    result.restored_settings = cur.rowcount
    alter_triggers(conn, "enable", paused)
    conn.execute(
        """update publishing_private.legacy_imports
              set rolled_back_at = now(), rolled_back_by = %s, rollback = %s where id = %s""",
        (
            f"{getpass.getuser()} (database role {conn.info.user})",
            Jsonb(result.as_json()),
            import_id,
        ),
    )
    conn.execute(
        """insert into events.outbox (topic, type, payload, audience)
           values ('publishing:review', 'import.rolled_back', %s,
                   '{"privileges": ["editor", "admin"]}')""",
        (Jsonb({"import_id": import_id, "removed": result.removed}),),
    )
    return result
