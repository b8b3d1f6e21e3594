"""The rows of the demo data set (no database here): accounts, articles, comments.

`DemoRows` draws everything from one `random.Random`, so a seed reproduces the same data
set; `ops.seed` writes the rows with COPY. The shapes follow the publishing schema's
columns (`ARTICLE_COLUMNS`, `COMMENT_COLUMNS`, ...).
"""

from __future__ import annotations

import bisect
import ipaddress
import itertools
import random
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ops.demo_text import DemoText, words_of

Row = tuple[Any, ...]

FIRST_NAMES = words_of(
    "ada grace alan edsger barbara donald margaret dennis ken linus guido james bjarne anders "
    "yukihiro rasmus brendan larry sophie frances radia hedy katherine dorothy mary annie "
    "evelyn jean karen shafi tim vint bob leslie niklaus john claude frederick fran lynn ruth "
    "ivan judea michael andrew fei joy lisa susan carol "
)
LAST_NAMES = words_of(
    "lovelace hopper turing dijkstra liskov knuth hamilton ritchie thompson torvalds rossum "
    "gosling stroustrup hejlsberg matsumoto lerdorf eich wall wilson allen perlman lamarr "
    "johnson vaughan keller easley bartik sammet goldwasser berners cerf kahn lamport wirth "
    "backus shannon brooks conway sutherland pearl stonebraker ng li "
)
CITIES = (
    "Paris",
    "Lisbon",
    "Berlin",
    "Nairobi",
    "Lagos",
    "Toronto",
    "Austin",
    "Portland",
    "Kyoto",
    "Seoul",
    "Sydney",
    "Wellington",
    "Montevideo",
    "Bogota",
    "Oslo",
    "Tallinn",
)
#: IANA names; `ops.seed` checks them against pg_timezone_names once per load.
TIMEZONES = (
    "UTC",
    "Europe/Paris",
    "Europe/Lisbon",
    "Europe/Berlin",
    "Africa/Nairobi",
    "Africa/Lagos",
    "America/Toronto",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Montevideo",
    "America/Bogota",
)
USER_AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile",
)
#: The category tree: top-level name -> descendants ("A/B" is B under A).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Technology": ("Databases", "Databases/PostgreSQL", "Web", "Security", "Cloud", "AI"),
    "Engineering": ("Architecture", "Testing", "Operations", "Operations/Incidents"),
    "Science": ("Physics", "Biology", "Space", "Climate"),
    "Business": ("Startups", "Finance", "Management"),
    "Culture": ("Books", "Music", "Film", "Art"),
    "Life": ("Travel", "Food", "Health", "Family"),
    "Society": ("Politics", "Education", "Cities"),
    "Opinion": (),
}
TAG_COUNT = 240

#: Article states and their shares; "scheduled" is in review with publish_at ahead.
STATUS_SHARES = (
    ("published", 0.85),
    ("draft", 0.05),
    ("in_review", 0.03),
    ("archived", 0.04),
    ("scheduled", 0.03),
)
DELETED_SHARE = 0.02
COMMENT_STATUS_SHARES = (
    ("approved", 0.85),
    ("pending", 0.07),
    ("flagged", 0.04),
    ("removed", 0.04),
)
YEARS_OF_HISTORY = 5
MAX_COMMENT_DEPTH = 4  # depth 0..4: five levels

USER_COLUMNS = (
    "id",
    "email",
    "username",
    "password_hash",
    "created_at",
    "updated_at",
    "password_changed_at",
)
PROFILE_COLUMNS = ("user_id", "display_name", "bio", "location", "timezone", "last_active_at")
ARTICLE_COLUMNS = (
    "id",
    "title",
    "slug",
    "excerpt",
    "content",
    "cover_image_url",
    "status",
    "featured",
    "publish_at",
    "published_at",
    "author_id",
    "category_id",
    "comment_count",
    "deleted_at",
    "created_at",
)
COMMENT_COLUMNS = (
    "id",
    "article_id",
    "parent_id",
    "author_id",
    "body",
    "status",
    "moderated_by",
    "moderated_at",
    "deleted_at",
    "created_at",
    "article_visible_from",
)
ORIGIN_COLUMNS = ("comment_id", "ip_address", "user_agent")


class Picker:
    """Weighted choice with precomputed cumulative weights."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        if not items:
            raise ValueError("nothing to pick from")
        self.items = items
        self._cum = list(itertools.accumulate(weights))

    @classmethod
    def zipf(cls, items: Sequence[Any], exponent: float = 1.0) -> Picker:
        return cls(items, [1.0 / rank**exponent for rank in range(1, len(items) + 1)])

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self._cum, rng.random() * self._cum[-1])]


def share(rng: random.Random, shares: Sequence[tuple[str, float]]) -> str:
    draw = rng.random() * sum(weight for _, weight in shares)
    for name, weight in shares:
        draw -= weight
        if draw < 0:
            return name
    return shares[-1][0]


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens, at most 80 characters (ids keep slugs unique)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-") or "article"


@dataclass
class Accounts:
    users: list[Row] = field(default_factory=list)
    profiles: list[Row] = field(default_factory=list)
    privileges: list[Row] = field(default_factory=list)
    ids: list[uuid.UUID] = field(default_factory=list)
    authors: list[uuid.UUID] = field(default_factory=list)
    moderators: list[uuid.UUID] = field(default_factory=list)


@dataclass
class ArticleBatch:
    articles: list[Row] = field(default_factory=list)
    co_authors: list[Row] = field(default_factory=list)
    tags: list[Row] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)
    origins: list[Row] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)


class DemoRows:
    """Generates the demo data set's rows relative to ``now`` (the database's clock)."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data, reproducible by design
        self.text = DemoText(self.rng)
        self.now = now

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _ago(self, max_seconds: float, power: float = 1.0) -> datetime:
        """A time in the last ``max_seconds``; ``power`` > 1 makes recent times denser."""
        return self.now - timedelta(seconds=max_seconds * self.rng.random() ** power)

    def _between(self, start: datetime, fraction: float = 1.0) -> datetime:
        return start + (self.now - start) * (self.rng.random() * fraction)

    def accounts(self, count: int, first_number: int, password_hash: str) -> Accounts:
        """``count`` accounts; the first three are an admin, an editor and a moderator."""
        rng, out = self.rng, Accounts()
        history = YEARS_OF_HISTORY * 365 * 86400
        for i in range(count):
            user_id = self._uuid()
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            username = f"{first}.{last}{first_number + i}"[-32:]
            created = self._ago(history, power=1.2)
            out.users.append(
                (
                    user_id,
                    f"{username}@example.com",
                    username,
                    password_hash,
                    created,
                    created,
                    created,
                )
            )
            granted = ("admin", "editor", "moderator")[i] if i < 3 else None
            if granted is None:
                draw = rng.random()
                if draw < 0.13:
                    granted = "author" if draw < 0.10 else "editor" if draw < 0.12 else "moderator"
            if granted:
                out.privileges.append((user_id, granted))
                if granted in ("author", "editor", "admin"):
                    out.authors.append(user_id)
                if granted in ("moderator", "admin"):
                    out.moderators.append(user_id)
            out.profiles.append(
                (
                    user_id,
                    f"{first.capitalize()} {last.capitalize()}",
                    self.text.excerpt()[:300] if rng.random() < 0.5 else None,
                    rng.choice(CITIES) if rng.random() < 0.4 else None,
                    rng.choice(TIMEZONES),
                    self._ago(90 * 86400) if rng.random() < 0.7 else None,
                )
            )
            out.ids.append(user_id)
        return out

    def tag_names(self) -> list[str]:
        """Tags: content words below the most frequent, then the most frequent made-up words."""
        words = [*self.text.content_words[20:], *self.text.tail_words]
        return words[:TAG_COUNT]

    def article_batches(
        self,
        *,
        count: int,
        batch_size: int,
        first_id: int,
        first_comment_id: int,
        accounts: Accounts,
        categories: Sequence[int],
        tags: Sequence[int],
        comments_per_article: float | None,
    ) -> Iterator[ArticleBatch]:
        """Articles with their co-authors, tags and (``comments_per_article`` set) comments."""
        rng, text = self.rng, self.text
        authors = Picker.zipf(accounts.authors or accounts.ids, 0.8)
        commenters = Picker.zipf(accounts.ids, 0.6)
        moderators = accounts.moderators or accounts.ids[:1]
        category = Picker.zipf(sorted(categories, key=lambda _: rng.random()), 0.7)
        tag = Picker.zipf(list(tags), 1.0) if tags else None
        history = YEARS_OF_HISTORY * 365 * 86400
        comment_id = first_comment_id
        for start in range(0, count, batch_size):
            batch = ArticleBatch()
            for article_id in range(first_id + start, first_id + min(count, start + batch_size)):
                state = share(rng, STATUS_SHARES)
                status, publish_at, published_at = state, None, None
                if state in ("published", "archived"):
                    published_at = self._ago(history, power=1.6)
                    created_at = published_at - timedelta(seconds=rng.random() * 14 * 86400)
                elif state == "scheduled":
                    status = "in_review"
                    publish_at = self.now + timedelta(seconds=3600 + rng.random() * 30 * 86400)
                    created_at = self._ago(30 * 86400)
                else:
                    created_at = self._ago(365 * 86400, power=1.4)
                deleted_at = None
                if rng.random() < DELETED_SHARE:
                    deleted_at, state = self._between(created_at), "deleted"
                batch.states[state] = batch.states.get(state, 0) + 1
                author = authors.pick(rng)
                title = text.title()
                approved = 0
                # publishing_private.visible_from: copied on each comment and tag
                visible_from = (
                    published_at if status == "published" and deleted_at is None else None
                )
                if comments_per_article and published_at is not None:
                    before = len(batch.comments)
                    approved = self._comments(
                        batch,
                        article_id,
                        comment_id,
                        published_at,
                        visible_from,
                        comments_per_article,
                        commenters,
                        moderators,
                    )
                    comment_id += len(batch.comments) - before
                batch.articles.append(
                    (
                        article_id,
                        title,
                        f"{slugify(title)}-{article_id}",
                        text.excerpt() if rng.random() < 0.8 else None,
                        text.body(),
                        f"https://images.example.com/covers/{article_id % 5000}.jpg"
                        if rng.random() < 0.6
                        else None,
                        status,
                        published_at is not None and rng.random() < 0.02,
                        publish_at,
                        published_at,
                        author,
                        category.pick(rng) if rng.random() < 0.95 else None,
                        approved,
                        deleted_at,
                        created_at,
                    )
                )
                if rng.random() < 0.1:
                    others = {authors.pick(rng) for _ in range(rng.choice((1, 1, 1, 2)))}
                    batch.co_authors += [(article_id, u) for u in sorted(others - {author})]
                if tag is not None:
                    picked = {tag.pick(rng) for _ in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5)))}
                    batch.tags += [(article_id, t, visible_from) for t in sorted(picked)]
            yield batch

    def _comments(
        self,
        batch: ArticleBatch,
        article_id: int,
        first_id: int,
        published_at: datetime,
        visible_from: datetime | None,
        mean: float,
        commenters: Picker,
        moderators: Sequence[uuid.UUID],
    ) -> int:
        """One article's threads into ``batch``; return how many are approved and kept."""
        rng = self.rng
        count = min(200, int(rng.expovariate(1.0 / (mean + 0.5))))
        threads: list[tuple[int, int]] = []  # (comment id, depth)
        approved = 0
        step = max((self.now - published_at).total_seconds(), 0) / (count + 1)
        created = published_at
        for comment_id in range(first_id, first_id + count):
            parent, depth = None, 0
            if threads and rng.random() < 0.35:
                candidate, parent_depth = rng.choice(threads)
                if parent_depth < MAX_COMMENT_DEPTH:
                    parent, depth = candidate, parent_depth + 1
            threads.append((comment_id, depth))
            created += timedelta(seconds=rng.random() * step)
            status = share(rng, COMMENT_STATUS_SHARES)
            moderated = status != "pending"
            deleted_at = self._between(created) if rng.random() < 0.02 else None
            approved += status == "approved" and deleted_at is None
            batch.comments.append(
                (
                    comment_id,
                    article_id,
                    parent,
                    commenters.pick(rng),
                    self.text.comment(),
                    status,
                    rng.choice(moderators) if moderated else None,
                    self._between(created, 0.1) if moderated else None,
                    deleted_at,
                    created,
                    visible_from,
                )
            )
            address = ipaddress.IPv4Address(rng.getrandbits(32) | 0x01000000)
            batch.origins.append((comment_id, str(address), rng.choice(USER_AGENTS)))
        return approved
