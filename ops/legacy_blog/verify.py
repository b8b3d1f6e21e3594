"""The verification report: the legacy file against what an import wrote, row by row.

Independent of the code that planned the import: it reads the legacy rows again, the
import's record (its conflicts and the change each policy made) and the id map, and
compares through the map every user, category, tag, article (text by MD5, author,
category, tags, state, counters), comment (text by MD5, article, parent, author, status)
and site setting. A legacy row is accounted for when the map holds it, or when a
conflict left it out (policy ``skip``, or its parent left out). Anything else is a
mismatch; `Verification.ok` is false on any.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psycopg

from core.errors import OpsError
from ops.legacy_blog import rules
from ops.legacy_blog.source import Source, json_value, parse_time

logger = logging.getLogger(__name__)

LEGACY_TABLES = (
    "blog_customuser", "blog_category", "blog_tag", "blog_article", "blog_article_tags",
    "blog_comment", "blog_sitesetting",
)  # fmt: skip
MAX_LISTED = 200


@dataclass
class Verification:
    import_id: int
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    mismatch_count: int = 0
    #: kind -> {"policy", "rows"}: the conflicts and how each kind was resolved
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.mismatch_count == 0

    def add(self, table: str, legacy_id: int, field_: str, expected: Any, found: Any) -> None:
        self.mismatch_count += 1
        if len(self.mismatches) < MAX_LISTED:
            self.mismatches.append(
                {
                    "table": table,
                    "legacy_id": legacy_id,
                    "field": field_,
                    "expected": _clip(expected),
                    "found": _clip(found),
                }
            )

    def as_json(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "ok": self.ok,
            "tables": self.tables,
            "conflicts": self.conflicts,
            "mismatch_count": self.mismatch_count,
            "mismatches": self.mismatches,
        }


def _clip(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 120:
        return value[:100] + f"... ({len(value):,} characters)"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def md5(text: str | None) -> str | None:
    return None if text is None else hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class Verifier:
    def __init__(self, conn: psycopg.Connection[Any], source: Source, import_id: int) -> None:
        self.conn = conn
        self.source = source
        self.import_id = import_id
        self.report = Verification(import_id)
        row = conn.execute(
            "select conflicts from publishing_private.legacy_imports where id = %s",
            (import_id,),
        ).fetchone()
        if row is None:
            raise OpsError(f"there is no import {import_id}", "list them: inv import.list")
        self.changes: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)
        self.left_out: dict[str, set[int]] = defaultdict(set)
        self.conflicted: dict[str, set[int]] = defaultdict(set)
        for c in row[0]:
            kind = self.report.conflicts.setdefault(c["kind"], {"policy": c["policy"], "rows": 0})
            kind["rows"] += 1
            key = (str(c["table"]), int(c["legacy_id"]))
            self.conflicted[key[0]].add(key[1])
            if c["policy"] in ("skip", None, "refuse"):
                continue
            self.changes[key].update(c["changes"])
        self.ids: dict[str, dict[int, Any]] = {}
        for table, lid, target in conn.execute(
            """select legacy_table, legacy_id,
                      coalesce(target_id::text, target_uuid::text, target_key)
                 from publishing_private.legacy_ids where import_id = %s""",
            (import_id,),
        ):
            self.ids.setdefault(str(table), {})[int(lid)] = target

    def expect(self, table: str, legacy_id: int, column: str, value: Any) -> Any:
        change = self.changes.get((table, legacy_id), {})
        return rules.apply(value, change[column]) if column in change else value

    def account(self, table: str, source_ids: list[int]) -> None:
        """Counts, and a mismatch for each legacy row neither mapped nor left out by a conflict."""
        mapped = self.ids.get(table, {})
        left_out = 0
        for lid in source_ids:
            if lid in mapped:
                continue
            if lid in self.conflicted[table]:
                left_out += 1
                continue
            self.report.add(table, lid, "(row)", "imported or listed as a conflict", "missing")
        self.report.tables[table] = {
            "source": len(source_ids),
            "imported": len(mapped),
            "left_out": left_out,
        }

    def compare(self, table: str, lid: int, fields: dict[str, tuple[Any, Any]]) -> None:
        for name, (expected, found) in fields.items():
            if expected != found:
                self.report.add(table, lid, name, expected, found)

    def target_rows(self, table: str, query: str) -> dict[int, tuple[Any, ...]]:
        """legacy id -> the target row (``query``'s first column is the legacy id)."""
        rows = {int(r[0]): tuple(r[1:]) for r in self.conn.execute(query, (self.import_id,))}
        self.report.tables[table]["target"] = len(rows)
        return rows

    # -- tables -----------------------------------------------------------------------
    def users(self) -> None:
        table = "blog_customuser"
        rows = self.source.rows(table)
        self.account(table, [int(r["id"]) for r in rows])
        found = self.target_rows(
            table,
            """select m.legacy_id, m.created, u.email::text, u.username::text, u.password_hash,
                      p.bio, p.timezone, p.display_name
                 from publishing_private.legacy_ids m
                 join auth.users u on u.id = m.target_uuid
                 join publishing.profiles p on p.user_id = u.id
                where m.import_id = %s and m.legacy_table = 'blog_customuser'""",
        )
        for r in rows:
            lid = int(r["id"])
            if lid not in self.ids.get(table, {}):
                continue
            if lid not in found:
                self.report.add(table, lid, "(row)", "an account", "missing")
                continue
            created, email, username, password, bio, timezone, _ = found[lid]
            if not created:
                continue
            want_email = self.expect(
                table, lid, "email", unicodedata.normalize("NFKC", r["email"] or "").strip()
            )
            want_password = self.expect(table, lid, "password", r["password"])
            password_ok = (
                password == want_password
                or (want_password == rules.UNUSABLE and password.startswith(rules.UNUSABLE))
                or (password.startswith("$2") and not str(want_password).startswith(rules.UNUSABLE))
            )
            self.compare(
                table, lid,
                {
                    "email": (str(want_email).lower(), email.lower()),
                    "username": (self.expect(table, lid, "username", r["username"]), username),
                    "password": (True, password_ok),
                    "bio": (self.expect(table, lid, "bio", r["bio"] or None), bio),
                    "timezone": (
                        self.expect(table, lid, "timezone", r["timezone"] or "UTC"),
                        timezone,
                    ),
                },
            )  # fmt: skip

    def taxonomy(self, table: str, target: str) -> None:
        rows = self.source.rows(table)
        self.account(table, [int(r["id"]) for r in rows])
        with_parent = table == "blog_category"
        found = self.target_rows(
            table,
            f"""select m.legacy_id, m.created, t.name, t.slug,
                       {"t.description, pm.legacy_id" if with_parent else "null, null"}
                  from publishing_private.legacy_ids m
                  join {target} t on t.id = m.target_id
                  {
                "left join publishing_private.legacy_ids pm on pm.import_id = m.import_id"
                " and pm.legacy_table = 'blog_category' and pm.target_id = t.parent_id"
                if with_parent
                else ""
            }
                 where m.import_id = %s and m.legacy_table = '{table}'""",
        )
        for r in rows:
            lid = int(r["id"])
            if lid not in self.ids.get(table, {}):
                continue
            if lid not in found:
                self.report.add(table, lid, "(row)", f"a row of {target}", "missing")
                continue
            created, name, slug, description, parent = found[lid]
            if not created:
                continue
            fields = {
                "name": (r["name"], name),
                "slug": (self.expect(table, lid, "slug", r["slug"]), slug),
            }
            if with_parent:
                fields["description"] = (
                    self.expect(table, lid, "description", r["description"] or None),
                    description,
                )
                fields["parent"] = (r["parent_id"], parent)
            self.compare(table, lid, fields)

    def check(
        self,
        table: str,
        expected: Callable[[], dict[int, dict[str, Any]]],
        query: str,
        fields: tuple[str, ...],
        convert: Callable[[dict[str, Any]], dict[str, Any]] = lambda got: got,
    ) -> None:
        """Compare ``fields`` of every mapped row: the legacy side (``expected``, read from
        the file in a thread with its own connection) while the database answers ``query``
        (its legacy id, then ``fields``); the two overlap, as hashing and SQLite release
        the interpreter's lock."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify") as pool:
            wanted = pool.submit(expected)
            found = self.target_rows(table, query)
            want = wanted.result()
        for lid, fields_wanted in want.items():
            row = found.get(lid)
            if row is None:
                self.report.add(table, lid, "(row)", f"a row of {table}", "missing")
                continue
            got = convert(dict(zip(fields, row, strict=True)))
            self.compare(table, lid, {f: (fields_wanted[f], got[f]) for f in fields})

    def articles(self) -> None:
        table = "blog_article"
        ids = [
            int(r[0]) for r in self.source.conn.execute("select id from blog_article order by id")
        ]
        self.account(table, ids)
        users = self.ids.get("blog_customuser", {})  # legacy id -> account (merges: many to one)
        mapped = self.ids.get(table, {})
        known_tags = self.ids.get("blog_tag", {})

        def expected() -> dict[int, dict[str, Any]]:
            out: dict[int, dict[str, Any]] = {}
            with Source.open(self.source.path) as source:
                tags: dict[int, list[int]] = defaultdict(list)
                for article, tag in source.article_tags():
                    if tag in known_tags:
                        tags[article].append(tag)
                for batch in source.articles():
                    for r in batch:
                        lid = int(r["id"])
                        if lid not in mapped:
                            continue
                        e = functools.partial(self.expect, table, lid)
                        out[lid] = {
                            "title": e("title", r["title"]),
                            "slug": e("slug", r["slug"]),
                            "content": md5(e("content", r["content"])),
                            "excerpt": e("excerpt", r["excerpt"] or None),
                            "status": e("status", r["status"]),
                            "author": users.get(r["author_id"]),
                            "category": e("category_id", r["category_id"]),
                            "published_at": parse_time(e("published_at", r["published_at"])),
                            "featured": bool(r["featured"]),
                            "views": int(r["views"]),
                            "likes": int(r["likes"]),
                            "created_at": parse_time(r["created_at"]),
                            "tags": sorted(tags[lid]),
                        }
            return out

        self.check(
            table,
            expected,
            """select m.legacy_id, a.title, a.slug, md5(a.content), a.excerpt, a.status,
                      a.author_id::text, cm.legacy_id, a.published_at, a.featured, a.view_count,
                      a.like_count, a.created_at,
                      (select array_agg(tm.legacy_id order by tm.legacy_id)
                         from publishing.article_tags at
                         join publishing_private.legacy_ids tm
                           on tm.import_id = m.import_id and tm.legacy_table = 'blog_tag'
                          and tm.target_id = at.tag_id
                        where at.article_id = a.id)
                 from publishing_private.legacy_ids m
                 join publishing.articles a on a.id = m.target_id
                 left join publishing_private.legacy_ids cm
                   on cm.import_id = m.import_id and cm.legacy_table = 'blog_category'
                  and cm.target_id = a.category_id
                where m.import_id = %s and m.legacy_table = 'blog_article'""",
            ("title", "slug", "content", "excerpt", "status", "author", "category",
             "published_at", "featured", "views", "likes", "created_at", "tags"),
            lambda got: {**got, "tags": sorted(got["tags"] or [])},
        )  # fmt: skip

    def _reverse(self, table: str) -> dict[str, int]:
        """target -> legacy id, for the rows this import created (merged ones: first legacy id)."""
        out: dict[str, int] = {}
        for lid, target in sorted(self.ids.get(table, {}).items()):
            out.setdefault(str(target), lid)
        return out

    def comments(self) -> None:
        table = "blog_comment"
        ids = [
            int(r[0]) for r in self.source.conn.execute("select id from blog_comment order by id")
        ]
        self.account(table, ids)
        users = self.ids.get("blog_customuser", {})  # legacy id -> account (merges: many to one)
        articles = self._reverse("blog_article")
        comments = self._reverse("blog_comment")
        mapped = self.ids.get(table, {})

        def expected() -> dict[int, dict[str, Any]]:
            out: dict[int, dict[str, Any]] = {}
            with Source.open(self.source.path) as source:
                for batch in source.comments():
                    for r in batch:
                        lid = int(r["id"])
                        if lid not in mapped:
                            continue
                        e = functools.partial(self.expect, table, lid)
                        out[lid] = {
                            "article": r["article_id"],
                            "parent": e("parent", r["parent_id"]),
                            "author": users.get(r["author_id"]),
                            "body": md5(e("body", r["content"])),
                            "status": "flagged"
                            if r["is_flagged"]
                            else "approved"
                            if r["approved"]
                            else "pending",
                        }
            return out

        self.check(
            table,
            expected,
            """select m.legacy_id, c.article_id::text, c.parent_id::text, c.author_id::text,
                      md5(c.body), c.status
                 from publishing_private.legacy_ids m
                 join publishing.comments c on c.id = m.target_id
                where m.import_id = %s and m.legacy_table = 'blog_comment'""",
            ("article", "parent", "author", "body", "status"),
            lambda got: {
                **got,
                "article": articles.get(got["article"]),
                "parent": None if got["parent"] is None else comments.get(got["parent"]),
            },
        )

    def article_tags(self) -> None:
        """Links are compared with each article's tags; here each is accounted for."""
        table = "blog_article_tags"
        self.account(
            table, [int(r[0]) for r in self.source.conn.execute(f"select id from {table}")]
        )
        row = self.conn.execute(
            """select count(*) from publishing_private.legacy_ids m
                 join publishing.article_tags t
                   on m.target_key = t.article_id::text || '/' || t.tag_id::text
                where m.import_id = %s and m.legacy_table = 'blog_article_tags'""",
            (self.import_id,),
        ).fetchone()
        counts = self.report.tables[table]
        counts["target"] = int(row[0]) if row else 0
        if counts["target"] != counts["imported"]:
            self.report.add(table, 0, "(rows in target)", counts["imported"], counts["target"])

    def settings(self) -> None:
        table = "blog_sitesetting"
        rows = self.source.rows(table)
        self.account(table, [int(r["id"]) for r in rows])
        found = self.target_rows(
            table,
            """select m.legacy_id, s.value from publishing_private.legacy_ids m
                 join publishing.site_settings s on s.key = m.target_key
                where m.import_id = %s and m.legacy_table = 'blog_sitesetting'""",
        )
        for r in rows:
            lid = int(r["id"])
            if lid in self.ids.get(table, {}):
                want = self.expect(table, lid, "value", json_value(r["value"]))
                self.compare(table, lid, {"value": (want, found.get(lid, ("(missing)",))[0])})

    def run(self) -> Verification:
        self.users()
        self.taxonomy("blog_category", "publishing.categories")
        self.taxonomy("blog_tag", "publishing.tags")
        self.articles()
        self.article_tags()
        self.comments()
        self.settings()
        return self.report


def verify(conn: psycopg.Connection[Any], source: Source, import_id: int) -> Verification:
    return Verifier(conn, source, import_id).run()


def lines(v: Verification) -> Iterator[str]:
    """The report for people."""
    yield f"verification of import {v.import_id}: {'OK' if v.ok else 'MISMATCHES'}"
    yield (
        f"  {'legacy table':<20} {'source':>10} {'imported':>10} {'left out':>10} {'in target':>10}"
    )
    for table, c in v.tables.items():
        yield (
            f"  {table:<20} {c['source']:>10,} {c['imported']:>10,} {c['left_out']:>10,}"
            f" {c.get('target', 0):>10,}"
        )
    for kind, k in v.conflicts.items():
        yield f"  conflict {kind}: {k['rows']:,} rows, policy {k['policy']}"
    if not v.ok:
        yield f"  {v.mismatch_count:,} mismatches (first {len(v.mismatches)} listed):"
        for m in v.mismatches:
            yield (
                f"    {m['table']} {m['legacy_id']}: {m['field']}: expected {m['expected']!r},"
                f" found {m['found']!r}"
            )
