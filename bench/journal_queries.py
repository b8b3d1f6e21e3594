"""bench.journal's statements: the reads a journaling frontend makes, and the write.

Every read names its owner explicitly (``owner_id = %(uid)s``): run by ``authenticated``
with the user's claims, the entries' policies add their rule on top; run by the superuser
(who bypasses row-level security) with the same claims, the explicit filter alone picks
the same rows. So the ratio of the two is the price of the policies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import psycopg

PAGE = 20
COLUMNS = "e.id, e.title, e.entry_date, e.created_at, e.is_public, e.word_count, e.sealed"
ORDER = f"order by e.entry_date desc, e.created_at desc limit {PAGE}"
OWN = "e.owner_id = %(uid)s and e.deleted_at is null"

LIST_PAGE1 = f"select {COLUMNS} from journal.entries e where {OWN} {ORDER}"
LIST_KEYSET = (
    f"select {COLUMNS} from journal.entries e where {OWN}"
    f" and (e.entry_date, e.created_at) < (%(day)s, %(at)s) {ORDER}"
)
TAG_ANY = (
    f"select {COLUMNS} from journal.entries e where {OWN}"
    " and e.id in (select et.entry_id from journal.entry_tags et"
    "               where et.owner_id = %(uid)s and et.tag_id = any (%(tags)s))"
    f" {ORDER}"
)
DATE_RANGE = (
    f"select {COLUMNS} from journal.entries e where {OWN}"
    f" and e.entry_date between %(from)s and %(to)s {ORDER}"
)
CALENDAR = "select journal.calendar(%(month)s)"
#: Without journal.search_entries: the plain query PostgREST's ?search=wfts(simple) makes,
#: ranked, the caller's own live entries.
SEARCH_PLAIN = (
    "select e.id, e.title, ts_rank(e.search, q) as rank"
    " from journal.entries e, websearch_to_tsquery('simple', %(q)s) q"
    f" where {OWN} and e.search @@ q order by rank desc, e.id limit {PAGE}"
)
SEARCH_RPC = f"select * from journal.search_entries(q => %(q)s) limit {PAGE}"
#: The same reads through the RPCs a frontend calls (POST /rpc/list_entries, count_entries):
#: the functions filter by auth.uid() themselves, so the bypassing role reads the same rows.
RPC_COLUMNS = "id, title, entry_date, created_at, is_public, word_count, sealed"
RPC_PAGE1 = f"select {RPC_COLUMNS} from journal.list_entries(lim => {PAGE})"
RPC_KEYSET = (
    f"select {RPC_COLUMNS} from journal.list_entries(after_date => %(day)s,"
    f" after_created_at => %(at)s, after_id => %(after_id)s, lim => {PAGE})"
)
RPC_TAGS_ANY = (
    f"select {RPC_COLUMNS} from journal.list_entries(tags => %(tags)s::uuid[], lim => {PAGE})"
)
RPC_TAGS_ALL = (
    f"select {RPC_COLUMNS} from journal.list_entries(tags => %(tags)s::uuid[], tags_all => true,"
    f" lim => {PAGE})"
)
RPC_OPEN_TASKS = (
    f"select {RPC_COLUMNS} from journal.list_entries(has_open_tasks => true, lim => {PAGE})"
)
RPC_COUNT = "select journal.count_entries()"

WRITE = (
    "insert into {table} (title, entry_date, content{extra})"
    " values (%(title)s, %(day)s, %(content)s::jsonb{extra_values})"
)


@dataclass(frozen=True)
class User:
    """A writer the benchmark reads as: id, entry count, the fixtures of their reads."""

    label: str
    id: str
    entries: int
    deep_page: int
    cursor: tuple[date, datetime, str]
    tags: list[str]
    range: tuple[date, date]
    month: str

    def params(self, q: str = "") -> dict[str, Any]:
        return {
            "uid": self.id,
            "day": self.cursor[0],
            "at": self.cursor[1],
            "after_id": self.cursor[2],
            "tags": self.tags,
            "from": self.range[0],
            "to": self.range[1],
            "month": self.month,
            "q": q,
        }


def search_statement(conn: psycopg.Connection[Any]) -> tuple[str, str]:
    """journal.search_entries when deployed (it filters the caller's entries itself),
    else the plain ``@@`` query; with the label the report prints."""
    row = conn.execute(
        """select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'journal' and p.proname = 'search_entries'
              and 'q' = any (p.proargnames)"""
    ).fetchone()
    if row is not None and row[0]:
        return SEARCH_RPC, "journal.search_entries"
    return SEARCH_PLAIN, "plain @@ query (journal.search_entries not deployed)"


def user(conn: psycopg.Connection[Any], label: str, user_id: str, page: int) -> User:
    """The fixtures of ``user_id``: the deep page's keyset cursor (page ``page``, or the
    last full page), their two most used tags, the year before their last entry, the
    month of their last entry."""
    count = _one(
        conn,
        "select count(*) from journal.entries where owner_id = %s and deleted_at is null",
        user_id,
    )
    deep = max(2, min(page, int(count) // PAGE))
    cursor = conn.execute(
        "select entry_date, created_at, id from journal.entries e"
        f" where e.owner_id = %s and e.deleted_at is null {ORDER.replace(f'limit {PAGE}', '')}"
        " offset %s limit 1",
        # a writer with a page or less: the cursor is their last row
        (user_id, max(0, min((deep - 1) * PAGE - 1, int(count) - 1))),
    ).fetchone()
    assert cursor is not None, f"{label} has no entries"
    tags = [
        str(r[0])
        for r in conn.execute(
            """select tag_id from journal.entry_tags where owner_id = %s
                group by tag_id order by count(*) desc, tag_id limit 2""",
            (user_id,),
        ).fetchall()
    ]
    last = _one(conn, "select max(entry_date) from journal.entries where owner_id = %s", user_id)
    return User(
        label=label,
        id=user_id,
        entries=int(count),
        deep_page=deep,
        cursor=(cursor[0], cursor[1], str(cursor[2])),
        tags=tags,
        range=(last - timedelta(days=365), last),
        month=last.strftime("%Y-%m"),
    )


def _one(conn: psycopg.Connection[Any], query: str, *params: Any) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]
