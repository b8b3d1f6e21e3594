"""From legacy rows to the platform's rows: every check, conflict and policy decision.

`make_plan` reads the legacy facts (`Source`) and, through ``conn``, what the platform
already holds (e-mails, usernames, slugs, settings) and its own rules (e-mail
normalization, look-alike skeletons, slugify, time zones). It returns a `Plan`: the
conflicts with the policy applied to each (or none chosen), and for every legacy row
the row it becomes: a new id, or the existing row it merges into, or skipped. Nothing
is written; `ops.legacy_blog.load` writes a plan, `ops.legacy_blog.verify` checks one.
"""

from __future__ import annotations

import json
import logging
import socket
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

import psycopg

from core.errors import OpsError
from ops.legacy_blog import rules
from ops.legacy_blog.rules import LIMITS, Conflict
from ops.legacy_blog.source import ArticleFacts, CommentFacts, Source, json_value, parse_time

logger = logging.getLogger(__name__)

PBKDF2_PREFIX = "pbkdf2_sha256$"
STATUSES = ("draft", "published", "archived")


@dataclass
class UserPlan:
    legacy_id: int
    id: uuid.UUID
    created: bool  # False: merged into another legacy account or a platform account
    email: str
    username: str
    password_hash: str
    display_name: str
    bio: str | None
    avatar_url: str | None
    preferences: Any
    timezone: str
    last_active_at: datetime | None
    created_at: datetime
    privileges: set[str] = field(default_factory=set)


@dataclass
class TaxonomyPlan:
    legacy_id: int
    id: int
    created: bool
    name: str
    slug: str
    description: str | None = None
    parent: int | None = None  # legacy parent id


@dataclass
class ArticlePlan:
    legacy_id: int
    id: int
    slug: str
    author: uuid.UUID
    category_id: int | None
    status: str
    publish_at: datetime | None
    published_at: datetime | None
    cover_image_url: str | None
    comment_count: int = 0
    #: field -> value replacing the legacy one (title, excerpt, content)
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class CommentPlan:
    legacy_id: int
    id: int
    article: int  # legacy article id
    parent: int | None  # legacy parent id, after flattening
    author: uuid.UUID
    depth: int
    status: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class SettingPlan:
    legacy_id: int
    key: str
    value: Any
    action: str  # insert | replace | keep
    previous: Any = None


@dataclass
class Plan:
    conflicts: list[Conflict] = field(default_factory=list)
    users: dict[int, UserPlan] = field(default_factory=dict)
    categories: dict[int, TaxonomyPlan] = field(default_factory=dict)
    tags: dict[int, TaxonomyPlan] = field(default_factory=dict)
    articles: dict[int, ArticlePlan] = field(default_factory=dict)
    #: legacy link id -> (legacy article id, legacy tag id)
    article_tags: dict[int, tuple[int, int]] = field(default_factory=dict)
    comments: dict[int, CommentPlan] = field(default_factory=dict)
    settings: dict[int, SettingPlan] = field(default_factory=dict)
    skipped: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def unresolved(self) -> dict[str, int]:
        """Kinds that occur without a policy, with how many rows each."""
        counts: dict[str, int] = defaultdict(int)
        for c in self.conflicts:
            if c.policy is None:
                counts[c.kind] += 1
        return dict(counts)

    def refused(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for c in self.conflicts:
            if c.policy == "refuse":
                counts[c.kind] += 1
        return dict(counts)


class Planner:
    def __init__(
        self,
        conn: psycopg.Connection[Any],
        source: Source,
        policies: dict[str, str],
        media_url: str | None,
    ) -> None:
        self.conn = conn
        self.source = source
        self.policies = policies
        self.media_url = media_url.rstrip("/") if media_url else None
        self.plan = Plan()
        self.now: datetime = self._scalar("select now()")

    # -- helpers ----------------------------------------------------------------------
    def _scalar(self, query: str, params: Iterable[Any] = ()) -> Any:
        row = self.conn.execute(query, tuple(params)).fetchone()
        assert row is not None
        return row[0]

    def conflict(
        self, kind: str, table: str, legacy_id: int, detail: str, **changes: Any
    ) -> Conflict:
        c = Conflict(kind, table, legacy_id, detail, self.policies.get(kind), dict(changes))
        self.plan.conflicts.append(c)
        return c

    @staticmethod
    def acting(c: Conflict) -> str:
        """The policy the plan follows for ``c``: the chosen one, or while none is chosen
        (a dry run) or it is refuse (the run stops), the kind's first, importing one, so
        that the checks after it still see the row and list every other conflict."""
        if c.policy in (None, "refuse"):
            return next(iter(rules.BY_NAME[c.kind].policies))
        return c.policy

    def skip(self, table: str, legacy_id: int) -> None:
        self.plan.skipped[table].add(legacy_id)

    def reserve(self, table: str, count: int) -> list[int]:
        if count == 0:
            return []
        rows = self.conn.execute(
            "select nextval(pg_get_serial_sequence(%s, 'id')) from generate_series(1, %s)",
            (table, count),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def media(self, table: str, legacy_id: int, path: str, column: str) -> str | None:
        if not path:
            return None
        if self.media_url is None:
            self.conflict(
                "media-without-url",
                table,
                legacy_id,
                f"{column} is the file {path!r}",
                **{column: None},
            )
            return None
        return f"{self.media_url}/{quote(path.lstrip('/'))}"

    def text(
        self,
        table: str,
        legacy_id: int,
        column: str,
        value: str | None,
        limit: int,
        *,
        as_bytes: bool = False,
    ) -> tuple[str | None, bool]:
        """``value`` within ``limit`` (truncated under that policy); True when changed."""
        if value is None:
            return None, False
        size = len(value.encode()) if as_bytes else len(value)
        if size <= limit:
            return value, False
        unit = "bytes" if as_bytes else "characters"
        self.conflict(
            "text-too-long",
            table,
            legacy_id,
            f"{column} is {size:,} {unit} (limit {limit:,})",
            **{column: rules.cut(limit, unit)},
        )
        return rules.truncate(value, limit, as_bytes=as_bytes), True

    # -- users ------------------------------------------------------------------------
    def users(self) -> None:
        rows = self.source.rows("blog_customuser")
        emails = [r["email"] or "" for r in rows]
        normalized = {
            e: (n, s)
            for e, n, s in self.conn.execute(
                """select e, auth.normalize_email(e),
                          case when auth.normalize_email(e) <> ''
                               then auth.email_skeleton(auth.normalize_email(e)) end
                     from unnest(%s::text[]) e""",
                (emails,),
            ).fetchall()
        }
        existing = {
            str(skeleton): uuid.UUID(str(uid))
            for uid, skeleton in self.conn.execute(
                "select id, email_skeleton from auth.users where email_skeleton = any (%s)",
                ([s for _, s in normalized.values() if s],),
            ).fetchall()
        }
        zones = self.known_timezones({r["timezone"] for r in rows if r["timezone"]})
        keeper_of: dict[str, int] = {}  # skeleton -> legacy id keeping it
        for r in rows:
            lid = int(r["id"])
            email, skeleton = normalized[r["email"] or ""]
            if not rules.EMAIL.match(email or "") or len(email) > 254:
                c = self.conflict(
                    "email-invalid",
                    "blog_customuser",
                    lid,
                    f"e-mail is {r['email']!r}",
                    email=f"legacy-user-{lid}@legacy.invalid",
                )
                if self.acting(c) != "placeholder":
                    self.skip("blog_customuser", lid)
                    continue
                email, skeleton = str(c.changes["email"]), f"legacy-user-{lid}@legacy.invalid"
            merged_into: uuid.UUID | None = None
            if skeleton in existing:
                c = self.conflict(
                    "email-exists",
                    "blog_customuser",
                    lid,
                    f"e-mail {email!r} belongs to platform account {existing[skeleton]}",
                )
                if self.acting(c) == "merge":
                    merged_into = existing[skeleton]
            elif skeleton in keeper_of:
                keeper = keeper_of[skeleton]
                c = self.conflict(
                    "email-duplicate",
                    "blog_customuser",
                    lid,
                    f"e-mail {email!r} equals legacy account {keeper}'s for the platform",
                )
                if self.acting(c) == "merge":
                    merged_into = self.plan.users[keeper].id
            if merged_into is not None:
                self.plan.users[lid] = UserPlan(
                    lid,
                    merged_into,
                    False,
                    email,
                    "",
                    "",
                    "",
                    None,
                    None,
                    {},
                    "UTC",
                    None,
                    parse_time(r["date_joined"]) or self.now,
                )
                continue
            keeper_of[str(skeleton)] = lid
            self.plan.users[lid] = self.user(r, lid, email, zones)
        self.usernames()
        self.privileges(rows)

    def user(self, r: dict[str, Any], lid: int, email: str, zones: set[str]) -> UserPlan:
        password = str(r["password"] or "")
        if not password.startswith((PBKDF2_PREFIX, rules.UNUSABLE)):
            algorithm = password.split("$", 1)[0] if "$" in password else "(none)"
            self.conflict(
                "password-unsupported",
                "blog_customuser",
                lid,
                f"password hash algorithm {algorithm}",
                password=rules.UNUSABLE,
            )
            password = rules.UNUSABLE + uuid.uuid4().hex
        if not r["is_active"]:
            self.conflict(
                "inactive-account",
                "blog_customuser",
                lid,
                "is_active is false",
                password=rules.UNUSABLE,
            )
            password = rules.UNUSABLE + uuid.uuid4().hex
        timezone = r["timezone"] or "UTC"
        if timezone not in zones:
            self.conflict(
                "timezone-unknown",
                "blog_customuser",
                lid,
                f"time zone {timezone!r}",
                timezone="UTC",
            )
            timezone = "UTC"
        preferences = json_value(r["preferences"])
        text = json.dumps(preferences)
        if (
            not isinstance(preferences, dict)
            or len(text.encode()) > LIMITS["preferences_bytes"]
            or _json_depth(preferences) >= 5
        ):
            self.conflict(
                "preferences-refused",
                "blog_customuser",
                lid,
                f"preferences are {_clip(r['preferences'])}",
                preferences={},
            )
            preferences = {}
        joined = " ".join(p for p in (r["title"], r["first_name"], r["last_name"]) if p).strip()
        name, _ = self.text("blog_customuser", lid, "display_name", joined, LIMITS["display_name"])
        bio, _ = self.text("blog_customuser", lid, "bio", r["bio"] or None, LIMITS["bio"])
        return UserPlan(
            legacy_id=lid,
            id=uuid.uuid4(),
            created=True,
            email=email,
            username=str(r["username"]),
            password_hash=password,
            display_name=name or str(r["username"]),
            bio=bio,
            avatar_url=self.media("blog_customuser", lid, r["avatar"] or "", "avatar_url"),
            preferences=preferences,
            timezone=timezone,
            last_active_at=parse_time(r["last_active"]),
            created_at=parse_time(r["date_joined"]) or self.now,
        )

    def known_timezones(self, names: set[str]) -> set[str]:
        """The names the platform's profile check accepts (`now() at time zone`)."""
        known = {"UTC"}
        for name in sorted(names):
            try:
                with self.conn.transaction():
                    self.conn.execute("select now() at time zone %s", (name,))
                known.add(name)
            except psycopg.errors.InvalidParameterValue:
                pass
        return known

    def usernames(self) -> None:
        created = [u for u in self.plan.users.values() if u.created]
        wanted = [u.username for u in created]
        taken = self.taken_usernames(wanted)
        seen: set[str] = set()
        for u in created:
            name = u.username
            problem = None
            if not rules.USERNAME.match(name):
                problem = f"username {name!r} is refused by the platform"
            elif name.lower() in seen:
                problem = f"username {name!r} equals another legacy account's ignoring case"
            elif name.lower() in taken:
                problem = f"username {name!r} is taken on the platform"
            if problem is None:
                seen.add(name.lower())
                continue
            base = new = _clean_username(name, u.legacy_id)
            n = 1
            while new.lower() in seen or self.taken_usernames([new]):
                suffix = f"-{u.legacy_id}" + (f"-{n}" if n > 1 else "")
                new, n = base[: 32 - len(suffix)] + suffix, n + 1
            c = self.conflict(
                "username-refused", "blog_customuser", u.legacy_id, problem, username=new
            )
            if self.acting(c) == "rename":
                u.username = new
                seen.add(new.lower())
            else:
                self.skip("blog_customuser", u.legacy_id)

    def taken_usernames(self, names: list[str]) -> set[str]:
        rows = self.conn.execute(
            "select lower(username::text) from auth.users"
            " where username = any (%s::extensions.citext[])",
            (names,),
        ).fetchall()
        return {str(r[0]) for r in rows}

    def privileges(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            u = self.plan.users.get(int(r["id"]))
            if u is None or not u.created:
                continue
            if r["is_superuser"] or r["user_type"] == "admin":
                u.privileges.add("admin")
            if r["is_staff"]:
                u.privileges |= {"editor", "moderator"}

    def author(self, legacy_id: int | None) -> UserPlan | None:
        if legacy_id is None or legacy_id in self.plan.skipped["blog_customuser"]:
            return None
        return self.plan.users.get(int(legacy_id))

    # -- taxonomy ---------------------------------------------------------------------
    def taxonomy(self, table: str, target: str) -> dict[int, TaxonomyPlan]:
        columns = "id, name, slug" + (
            ", description, parent_id" if table == "blog_category" else ""
        )
        rows = [
            dict(zip([c.strip() for c in columns.split(",")], r, strict=True))
            for r in self.source.conn.execute(f"select {columns} from {table} order by id")
        ]
        limit = rules.SLUG_LENGTH[table]
        slugs = self.slugs(table, [r["slug"] for r in rows], limit)
        existing = {
            str(slug): int(i)
            for i, slug in self.conn.execute(
                f"select id, slug from {target} where slug = any (%s)",
                (list(slugs.values()),),
            ).fetchall()
        }
        planned: dict[int, TaxonomyPlan] = {}
        used: set[str] = set()
        for r in rows:
            lid = int(r["id"])
            slug = slugs[r["slug"]]
            if slug != r["slug"]:
                c = self.conflict("slug-refused", table, lid, f"slug {r['slug']!r}", slug=slug)
                if self.acting(c) != "reslug":
                    self.skip(table, lid)
                    continue
            description = r.get("description") or None
            if description is not None:
                description, _ = self.text(
                    table, lid, "description", description, LIMITS["description"]
                )
            plan = TaxonomyPlan(lid, 0, True, str(r["name"]), slug, description, r.get("parent_id"))
            if slug in existing or slug in used:
                c = self.conflict(
                    "taxonomy-exists", table, lid, f"slug {slug!r} is on the platform already"
                )
                if self.acting(c) == "merge" and slug in existing:
                    plan.id, plan.created = existing[slug], False
                elif self.acting(c) in ("rename", "merge"):
                    plan.slug = self.free_slug(target, slug, used | set(existing), limit)
                    c.changes["slug"] = plan.slug
                else:
                    self.skip(table, lid)
                    continue
            used.add(plan.slug)
            planned[lid] = plan
        new = [p for p in planned.values() if p.created]
        for p, i in zip(new, self.reserve(target, len(new)), strict=True):
            p.id = i
        return planned

    def slugs(self, table: str, legacy: list[str], limit: int) -> dict[str, str]:
        """Each legacy slug, or the platform's slugify of it when the platform refuses it."""
        out: dict[str, str] = {}
        bad = [s for s in legacy if not (rules.SLUG.match(s or "") and len(s) <= limit)]
        for s in legacy:
            out[s] = s
        if bad:
            for s, fixed in self.conn.execute(
                "select s, publishing_private.slugify(s) from unnest(%s::text[]) s", (bad,)
            ).fetchall():
                out[str(s)] = str(fixed)[:limit].strip("-") or "legacy"
        return out

    def free_slug(self, target: str, slug: str, used: set[str], limit: int) -> str:
        n = 2
        while True:
            suffix = f"-{n}"
            candidate = slug[: limit - len(suffix)].rstrip("-") + suffix
            if candidate not in used and not self._scalar(
                f"select exists (select from {target} where slug = %s)",
                (candidate,),
            ):
                return candidate
            n += 1

    def categories(self) -> None:
        planned = self.taxonomy("blog_category", "publishing.categories")
        for p in planned.values():
            if p.parent is not None and p.parent not in planned:
                self.conflict(
                    "orphan",
                    "blog_category",
                    p.legacy_id,
                    f"parent category {p.parent} is missing or left out",
                )
                self.skip("blog_category", p.legacy_id)
        self.plan.categories = {
            k: v for k, v in planned.items() if k not in self.plan.skipped["blog_category"]
        }

    def tags(self) -> None:
        self.plan.tags = self.taxonomy("blog_tag", "publishing.tags")

    # -- articles ---------------------------------------------------------------------
    def articles(self, facts: list[ArticleFacts], comments: list[CommentFacts]) -> None:
        table = "blog_article"
        slugs = self.slugs(table, [f.slug for f in facts], rules.SLUG_LENGTH[table])
        existing = {
            str(r[0])
            for r in self.conn.execute(
                "select slug from publishing.articles where slug = any (%s)",
                (list(slugs.values()),),
            ).fetchall()
        }
        used: set[str] = set()
        planned: list[ArticlePlan] = []
        for f in facts:
            author = self.author(f.author_id)
            if author is None:
                self.conflict("orphan", table, f.id, f"author {f.author_id} is missing or left out")
                self.skip(table, f.id)
                continue
            changes: dict[str, Any] = {}
            slug = slugs[f.slug]
            if slug != f.slug:
                c = self.conflict("slug-refused", table, f.id, f"slug {f.slug!r}", slug=slug)
                if self.acting(c) != "reslug":
                    self.skip(table, f.id)
                    continue
            if slug in existing or slug in used:
                new = self.free_slug("publishing.articles", slug, used | existing, 120)
                c = self.conflict(
                    "slug-exists", table, f.id, f"slug {slug!r} is taken on the platform", slug=new
                )
                if self.acting(c) != "rename":
                    self.skip(table, f.id)
                    continue
                slug = new
            used.add(slug)
            if f.title_trimmed == 0:
                self.conflict("text-blank", table, f.id, "title is blank", title=rules.UNTITLED)
                changes["title"] = rules.UNTITLED
            if f.content_bytes > LIMITS["content_bytes"]:
                self.conflict(
                    "text-too-long",
                    table,
                    f.id,
                    f"content is {f.content_bytes:,} bytes (limit {LIMITS['content_bytes']:,})",
                    content=rules.cut(LIMITS["content_bytes"], "bytes"),
                )
                changes["content"] = rules.cut(LIMITS["content_bytes"], "bytes")
            if f.excerpt_chars > LIMITS["excerpt"]:
                self.conflict(
                    "text-too-long",
                    table,
                    f.id,
                    f"excerpt is {f.excerpt_chars:,} characters (limit {LIMITS['excerpt']:,})",
                    excerpt=rules.cut(LIMITS["excerpt"]),
                )
                changes["excerpt"] = rules.cut(LIMITS["excerpt"])
            status, publish_at, published_at = self.article_state(f)
            category = None
            if f.category_id is not None:
                cat = self.plan.categories.get(f.category_id)
                if cat is None:
                    self.conflict(
                        "orphan",
                        table,
                        f.id,
                        f"category {f.category_id} is missing or left out",
                        category_id=None,
                    )
                else:
                    category = cat.id
            cover = self.media(table, f.id, f.image, "cover_image_url")
            planned.append(
                ArticlePlan(
                    f.id,
                    0,
                    slug,
                    author.id,
                    category,
                    status,
                    publish_at,
                    published_at,
                    cover,
                    changes=changes,
                )
            )
        for p, i in zip(planned, self.reserve("publishing.articles", len(planned)), strict=True):
            p.id = i
            p.changes["slug"] = p.slug
            self.plan.articles[p.legacy_id] = p
        authors = {a.author for a in self.plan.articles.values()}
        for u in self.plan.users.values():
            if u.created and u.id in authors:
                u.privileges.add("author")
        self.article_tags()
        self.comments(comments)

    def article_state(self, f: ArticleFacts) -> tuple[str, datetime | None, datetime | None]:
        table = "blog_article"
        status = f.status
        if status not in STATUSES:
            self.conflict("status-unknown", table, f.id, f"status {status!r}", status="draft")
            status = "draft"
        published_at = f.published_at
        if status == "published" and published_at is None:
            self.conflict(
                "published-without-time",
                table,
                f.id,
                "published with no published_at",
                published_at=f.created_at.isoformat(),
            )
            published_at = f.created_at
        publish_at = None
        if status == "draft" and f.scheduled_publish is not None:
            publish_at = f.scheduled_publish
            if publish_at <= self.now:
                c = self.conflict(
                    "schedule-passed",
                    table,
                    f.id,
                    f"draft scheduled for {publish_at.isoformat()}, already past",
                )
                if self.acting(c) == "draft":
                    c.changes["publish_at"] = None
                    publish_at = None
        return status, publish_at, published_at

    def article_tags(self) -> None:
        for link_id, article, tag in self.source.conn.execute(
            "select id, article_id, tag_id from blog_article_tags order by id"
        ):
            if article not in self.plan.articles or tag not in self.plan.tags:
                self.conflict(
                    "orphan",
                    "blog_article_tags",
                    int(link_id),
                    f"article {article} or tag {tag} is missing or left out",
                )
                self.skip("blog_article_tags", int(link_id))
                continue
            self.plan.article_tags[int(link_id)] = (int(article), int(tag))

    # -- comments ---------------------------------------------------------------------
    def comments(self, facts: list[CommentFacts]) -> None:
        table = "blog_comment"
        by_id = {f.id: f for f in facts}
        parent: dict[int, int | None] = {}
        depth: dict[int, int] = {}

        def place(f: CommentFacts) -> bool:
            """Decide ``f``'s parent and depth (parents first); False when left out."""
            if f.id in depth:
                return True
            if f.id in self.plan.skipped[table]:
                return False
            why = None
            if f.article_id not in self.plan.articles:
                why = f"article {f.article_id} is missing or left out"
            elif self.author(f.author_id) is None:
                why = f"author {f.author_id} is missing or left out"
            elif f.parent_id is not None and (
                f.parent_id not in by_id
                or by_id[f.parent_id].article_id != f.article_id
                or not place(by_id[f.parent_id])
            ):
                why = f"parent comment {f.parent_id} is missing, left out or on another article"
            if why is not None:
                self.conflict("orphan", table, f.id, why)
                self.skip(table, f.id)
                return False
            p = f.parent_id
            d = 0 if p is None else depth[p] + 1
            if d > rules.MAX_DEPTH:
                assert p is not None
                while depth[p] >= rules.MAX_DEPTH:  # up to the 4th level
                    p = parent[p]
                    assert p is not None
                c = self.conflict(
                    "comment-too-deep",
                    table,
                    f.id,
                    f"reply on level {d + 1} (at most {rules.MAX_DEPTH + 1})",
                    parent=p,
                )
                if self.acting(c) != "flatten":
                    self.skip(table, f.id)
                    return False
                d = rules.MAX_DEPTH
            parent[f.id], depth[f.id] = p, d
            return True

        import sys

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))
        try:
            placed = [f for f in facts if place(f)]
        finally:
            sys.setrecursionlimit(limit)
        ids = self.reserve("publishing.comments", len(placed))
        for f, i in zip(placed, ids, strict=True):
            changes: dict[str, Any] = {}
            if f.body_trimmed == 0:
                self.conflict("text-blank", table, f.id, "body is blank", body=rules.EMPTY_COMMENT)
                changes["body"] = rules.EMPTY_COMMENT
            elif f.body_chars > LIMITS["body"]:
                self.conflict(
                    "text-too-long",
                    table,
                    f.id,
                    f"body is {f.body_chars:,} characters (limit {LIMITS['body']:,})",
                    body=rules.cut(LIMITS["body"]),
                )
                changes["body"] = rules.cut(LIMITS["body"])
            if f.notes_chars > LIMITS["note"]:
                self.conflict(
                    "text-too-long",
                    table,
                    f.id,
                    f"moderation_notes is {f.notes_chars:,} characters (limit {LIMITS['note']:,})",
                    moderator_note=rules.cut(LIMITS["note"]),
                )
                changes["moderator_note"] = rules.cut(LIMITS["note"])
            if f.ip_address is not None and not _is_ip(f.ip_address):
                self.conflict(
                    "ip-invalid", table, f.id, f"ip_address {f.ip_address!r}", ip_address=None
                )
                changes["ip_address"] = None
            author = self.author(f.author_id)
            assert author is not None
            self.plan.comments[f.id] = CommentPlan(
                f.id, i, f.article_id, parent[f.id], author.id, depth[f.id], "", changes
            )

    # -- settings ---------------------------------------------------------------------
    def settings(self) -> None:
        rows = self.source.rows("blog_sitesetting")
        existing = {
            str(k): v
            for k, v in self.conn.execute(
                "select key, value from publishing.site_settings where key = any (%s)",
                ([r["key"] for r in rows],),
            ).fetchall()
        }
        for r in rows:
            lid, key = int(r["id"]), str(r["key"])
            value = json_value(r["value"])
            size = len(json.dumps(value).encode()) if r["value"] is not None else 0
            if (
                not rules.SETTING_KEY.match(key)
                or r["value"] is None
                or (value is None and r["value"].strip() != "null")
                or size > LIMITS["setting_bytes"]
            ):
                self.conflict(
                    "setting-refused",
                    "blog_sitesetting",
                    lid,
                    f"key {key!r}, value of {size:,} bytes",
                )
                self.skip("blog_sitesetting", lid)
                continue
            if key in existing:
                c = self.conflict(
                    "setting-exists", "blog_sitesetting", lid, f"key {key!r} is set on the platform"
                )
                if self.acting(c) == "replace":
                    self.plan.settings[lid] = SettingPlan(lid, key, value, "replace", existing[key])
                elif self.acting(c) == "keep":
                    c.changes["value"] = existing[key]
                    self.plan.settings[lid] = SettingPlan(lid, key, existing[key], "keep")
                else:
                    self.skip("blog_sitesetting", lid)
                continue
            self.plan.settings[lid] = SettingPlan(lid, key, value, "insert")

    # -- all --------------------------------------------------------------------------
    def run(self) -> Plan:
        self.users()
        self.categories()
        self.tags()
        comments = self.source.comment_facts()
        self.articles(self.source.article_facts(), comments)
        approved = self.source.conn.execute(
            "select id, approved, is_flagged from blog_comment"
        ).fetchall()
        for cid, ok, flagged in approved:
            c = self.plan.comments.get(int(cid))
            if c is None:
                continue
            c.status = "flagged" if flagged else "approved" if ok else "pending"
            if c.status == "approved":
                self.plan.articles[c.article].comment_count += 1
        self.settings()
        return self.plan


def make_plan(
    conn: psycopg.Connection[Any], source: Source, policies: dict[str, str], media_url: str | None
) -> Plan:
    if media_url is not None and not media_url.startswith(("https://", "http://")):
        raise OpsError(
            f"--media-url {media_url!r} is not an http(s) URL",
            "give the URL the legacy media files are served from, e.g. https://old.example.org/media",
        )
    return Planner(conn, source, policies, media_url).run()


def _json_depth(value: Any, level: int = 0) -> int:
    if isinstance(value, dict):
        return max([level, *(_json_depth(v, level + 1) for v in value.values())])
    if isinstance(value, list):
        return max([level, *(_json_depth(v, level + 1) for v in value)])
    return level


def _clip(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_ip(value: str) -> bool:
    """An IPv4 or IPv6 address (inet_pton: the C parser, 10 times ipaddress's speed)."""
    text = value.strip()
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, text)
        except OSError:
            continue
        return True
    return False


def _clean_username(name: str, legacy_id: int) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in folded)
    if not cleaned or cleaned[0] in ".-":
        cleaned = "_" + cleaned
    cleaned = cleaned[:32]
    if len(cleaned) < 3 or not rules.USERNAME.match(cleaned):
        cleaned = f"user{legacy_id}"
    return cleaned
