"""The rows of the journal's demo data (no database here): entries, tags, the tags on them.

`JournalRows` draws everything from one `random.Random`, so a seed and the same accounts
reproduce the same diaries; `ops.seed_journal` writes them with COPY. Dates are relative
to the database's ``now``.

What a benchmark can count on (documented in docs/modules/journal.md, "Demo data"):

* `COMMON_WORD` is in about 40 % of the Editor.js entries' text, `RARE_WORD` in about one
  in 2,000; no other generated word equals either (made-up words are 2-3 syllables that
  start with a consonant; neither word can be spelled so).
* Entries per user follow a capped Zipf law over the users, in a shuffled order: with
  10,000 users and 1,000,000 entries about 30 users hold 5,000 or more (the largest
  `HEAVY_CAP`) and the median user a dozen.
"""

from __future__ import annotations

import base64
import json
import math
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ops.demo_text import DemoText, words_of
from ops.seed_rows import Picker, Row

#: In about `COMMON_SHARE` of the (unsealed) entries' text: a search benchmark's common word.
COMMON_WORD = "gratitude"
COMMON_SHARE = 0.40
#: In about `RARE_SHARE` of the (unsealed) entries' text: a search benchmark's rare word.
RARE_WORD = "axolotl"
RARE_SHARE = 1 / 2000

#: Entries per user: Zipf's law of this exponent over the users' ranks, each at most
#: `HEAVY_CAP` (raised when the sizes need it), every user at least one entry.
ZIPF_EXPONENT = 1.2
HEAVY_CAP = 25_000
#: How far back the diaries go, and the most entries a seeded user writes in one day
#: (under the daily limit of 50: the seed respects it).
HISTORY_DAYS = 8 * 365
MAX_PER_DAY = 40
#: Shares of users who publish some entries, and who seal some.
PUBLISHING_USERS, PUBLIC_SHARE = 0.15, 0.30
SEALING_USERS, SEALED_SHARE = 0.03, 0.25
#: Share of entries in the trash (deleted in the last 29 days: the retention is 30).
DELETED_SHARE = 0.02
TRASH_DAYS = 29
#: Tags on an entry: 0 to 5 with these weights.
TAGS_PER_ENTRY = (0.30, 0.30, 0.20, 0.10, 0.06, 0.04)

ENTRY_COLUMNS = (
    "id",
    "owner_id",
    "title",
    "entry_date",
    "content",
    "is_public",
    "created_at",
)
VIEW_COLUMNS = ("entry_id", "owner_id", "view_count", "last_viewed_at")
TAG_COLUMNS = ("id", "owner_id", "name", "created_at")
ENTRY_TAG_COLUMNS = ("entry_id", "tag_id", "owner_id", "created_at")
TRASH_COLUMNS = ("id", "deleted_at")

TAG_NAMES = words_of(
    "work family travel health ideas dreams books running cooking kids garden music "
    "reading goals weekend friends meetings projects therapy sleep mood fitness yoga "
    "meditation money home school learning writing photos movies recipes walks coffee "
    "weather notes plans habits journal moving career side-project open-source hiking "
    "cycling swimming climbing birthday holidays vacation parents partner dog cat "
    "neighbours volunteering church concerts art painting drawing knitting woodwork "
    "cars repairs budget taxes shopping groceries doctor dentist anxiety wins lessons "
    "questions quotes podcasts languages french spanish japanese programming rust python "
    "databases interviews reviews retrospective onboarding mentoring conference talks "
    "commute city nature beach mountains snow rain sunset stars tea bread baking "
)
CODE_SNIPPETS = (
    "select count(*) from habits where done;",
    "git commit -m 'morning pages'",
    "for day in week:\n    write(day)",
    "const mood = await journal.today();",
    "SELECT entry_date, word_count\n  FROM entries\n ORDER BY entry_date DESC;",
    "ls -la ~/notes | wc -l",
)
QUOTE_AUTHORS = ("Seneca", "Marcus Aurelius", "Mary Oliver", "Anne Frank", "grandma", "a friend")
_ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"


@dataclass
class JournalBatch:
    """One COPY round: tags first (entry_tags reference them), entries, their views and
    tags, trash."""

    tags: list[Row] = field(default_factory=list)
    entries: list[Row] = field(default_factory=list)
    views: list[Row] = field(default_factory=list)
    entry_tags: list[Row] = field(default_factory=list)
    trash: list[Row] = field(default_factory=list)
    public: int = 0
    sealed: int = 0


def entry_counts(
    rng: random.Random, users: int, total: int, exponent: float = ZIPF_EXPONENT
) -> list[int]:
    """``total`` entries over ``users`` by rank (rank 1 first): Zipf's law with a little
    noise, at most the cap each, at least one each when there are enough."""
    if users <= 0:
        return []
    floor = 1 if total >= users else 0
    cap = max(HEAVY_CAP, 2 * math.ceil(total / users))
    weights = [rng.uniform(0.85, 1.15) / rank**exponent for rank in range(1, users + 1)]
    weights.sort(reverse=True)
    counts = [floor] * users
    left = total - floor * users
    # water-filling: the heaviest users stop at the cap, the rest share what is left
    open_ = list(range(users))
    while left > 0 and open_:
        weight = sum(weights[i] for i in open_)
        capped = [i for i in open_ if counts[i] + left * weights[i] / weight >= cap]
        if not capped:
            shares = [left * weights[i] / weight for i in open_]
            given = [int(s) for s in shares]
            for i, g in zip(open_, given, strict=True):
                counts[i] += g
            rest = left - sum(given)
            by_remainder = sorted(
                range(len(open_)), key=lambda k: shares[k] - given[k], reverse=True
            )
            for k in by_remainder[:rest]:
                counts[open_[k]] += 1
            left = 0
            break
        for i in capped:
            left -= cap - counts[i]
            counts[i] = cap
        open_ = [i for i in open_ if i not in set(capped)]
    return counts


class JournalRows:
    """Generates the diaries of ``users`` (ids, most first in no particular order)."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data, reproducible by design
        self.text = DemoText(self.rng, tail_words=20_000)
        self.now = now.astimezone(UTC)
        self.today = self.now.date()
        self._tags_per_entry = Picker(range(len(TAGS_PER_ENTRY)), TAGS_PER_ENTRY)

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def plan(self, users: Sequence[uuid.UUID], total: int) -> list[tuple[uuid.UUID, int]]:
        """Each user's entry count: the Zipf ranks dealt in a shuffled order."""
        counts = entry_counts(self.rng, len(users), total)
        order = list(users)
        self.rng.shuffle(order)
        return list(zip(order, counts, strict=True))

    def batches(
        self, plan: Sequence[tuple[uuid.UUID, int]], batch_size: int
    ) -> Iterator[JournalBatch]:
        """The diaries of ``plan``, user after user, about ``batch_size`` entries a batch."""
        batch = JournalBatch()
        for position, (owner, count) in enumerate(plan):
            self._diary(batch, owner, count, position)
            if len(batch.entries) >= batch_size:
                yield batch
                batch = JournalBatch()
        if batch.entries or batch.tags:
            yield batch

    # -- one user's diary ------------------------------------------------------------

    def _days(self, count: int) -> list[date]:
        """The days a diary of ``count`` entries is written on: streaks and gaps going
        back from today (about a third of the writers are in a streak now)."""
        rng = self.rng
        span = min(HISTORY_DAYS, max(30, int(count * rng.uniform(1.5, 6.0))))
        active = min(count, int(span * rng.uniform(0.35, 0.75)))
        mean_streak = 2.0 + 10.0 * active / span
        mean_gap = max(1.0, (span - active) / max(1.0, active / mean_streak))
        days: list[date] = []
        offset = 0 if rng.random() < 0.35 else 1 + int(rng.expovariate(1 / mean_gap))
        while len(days) < active or len(days) * MAX_PER_DAY < count:
            for _ in range(1 + int(rng.expovariate(1 / mean_streak))):
                days.append(self.today - timedelta(days=offset))
                offset += 1
            offset += 1 + int(rng.expovariate(1 / mean_gap))
            if offset > span and len(days) * MAX_PER_DAY >= count:
                break
        return days[:count]

    def _diary(self, batch: JournalBatch, owner: uuid.UUID, count: int, position: int) -> None:
        rng = self.rng
        days = self._days(count) if count else []
        first_day = min(days) if days else self.today
        start = datetime.combine(first_day, time(0), UTC) - timedelta(days=rng.randint(0, 30))
        tag_count = min(60, max(2, int(2 + count**0.45 * rng.uniform(0.5, 1.5))))
        names = rng.sample(TAG_NAMES, min(tag_count, len(TAG_NAMES)))
        tags = [self._uuid() for _ in names]
        for tag_id, name in zip(tags, names, strict=True):
            shown = name.capitalize() if rng.random() < 0.3 else name
            batch.tags.append((tag_id, owner, shown, start))
        tag_picker = Picker.zipf(tags, 1.0)
        # the plan's first two writers always publish and seal some entries (small seeds too)
        publishes = rng.random() < PUBLISHING_USERS or position == 0
        seals = rng.random() < SEALING_USERS or position == 1
        # entries per day: everyone once, the rest spread, at most MAX_PER_DAY a day
        per_day = [1] * len(days)
        for _ in range(count - len(days)):
            k = rng.randrange(len(days))
            while per_day[k] >= MAX_PER_DAY:
                k = (k + 1) % len(days)
            per_day[k] += 1
        for day, n in zip(days, per_day, strict=True):
            for _ in range(n):
                self._entry(batch, owner, day, publishes, seals, tag_picker)

    def _created(self, day: date) -> datetime:
        midnight = datetime.combine(day, time(0), UTC)
        if day >= self.today:
            return midnight + (self.now - midnight) * self.rng.random()
        return midnight + timedelta(seconds=self.rng.uniform(6 * 3600, 86_399))

    def _entry(
        self,
        batch: JournalBatch,
        owner: uuid.UUID,
        day: date,
        publishes: bool,
        seals: bool,
        tags: Picker,
    ) -> None:
        rng = self.rng
        entry_id = self._uuid()
        created = self._created(day)
        sealed = seals and rng.random() < SEALED_SHARE
        public = publishes and not sealed and rng.random() < PUBLIC_SHARE
        if sealed:
            title = "Private entry" if rng.random() < 0.5 else self.text.title()
            content = self._sealed()
        else:
            title = self.text.title()
            content = self._content(created)
        viewed = rng.random() < 0.5
        batch.entries.append(
            (
                entry_id,
                owner,
                title[:255],
                day,
                content,
                public,
                created,
            )
        )
        if viewed:
            batch.views.append(
                (
                    entry_id,
                    owner,
                    int(rng.expovariate(1 / 3)) + 1,
                    created + (self.now - created) * rng.random(),
                )
            )
        batch.public += public
        batch.sealed += sealed
        picked = {tags.pick(rng) for _ in range(self._tags_per_entry.pick(rng))}
        batch.entry_tags += [(entry_id, t, owner, created) for t in sorted(picked)]
        if rng.random() < DELETED_SHARE:
            gone = max(created, self.now - timedelta(days=TRASH_DAYS * rng.random()))
            batch.trash.append((entry_id, gone))

    # -- content -----------------------------------------------------------------------

    def _sealed(self) -> str:
        rng = self.rng
        iv = base64.b64encode(rng.randbytes(12)).decode()
        ciphertext = base64.b64encode(rng.randbytes(rng.randint(64, 2048))).decode()
        return json.dumps({"sealed": {"alg": "AES-GCM", "iv": iv, "ciphertext": ciphertext}})

    def _block_id(self) -> str:
        return "".join(self.rng.choices(_ID_CHARS, k=10))

    def _sentence(self, low: int = 4, high: int = 14) -> str:
        words = self.text.words(self.rng.randint(low, high))
        return " ".join(words).capitalize()

    def _paragraph(self, words: int) -> str:
        rng = self.rng
        sentences = self.text.sentences(max(3, words))
        text = " ".join(sentences)
        if rng.random() < 0.15:
            # inline markup, as Editor.js saves it (stripped from the derived text)
            head, _, tail = text.partition(" ")
            text = f"<b>{head}</b> {tail}" if rng.random() < 0.5 else f"{text}<br><i>later</i>"
        return text

    def _content(self, created: datetime) -> str:
        """An Editor.js document of about 5-1,500 words (median about 100)."""
        rng = self.rng
        budget = min(1500, max(5, int(rng.lognormvariate(4.6, 0.8))))
        blocks: list[dict[str, Any]] = []

        def add(kind: str, data: dict[str, Any]) -> None:
            blocks.append({"id": self._block_id(), "type": kind, "data": data})

        if rng.random() < 0.2:
            add("header", {"text": self._sentence(2, 6), "level": rng.choice((1, 2, 2, 3))})
        while budget > 0:
            draw = rng.random()
            if draw < 0.62 or not any(b["type"] == "paragraph" for b in blocks):
                words = min(budget, rng.randint(20, 90))
                add("paragraph", {"text": self._paragraph(words)})
                budget -= words
            elif draw < 0.72:
                items = [self._sentence(2, 8) for _ in range(rng.randint(2, 6))]
                if rng.random() < 0.4:
                    nested: list[dict[str, Any]] = [
                        {"content": item, "meta": {}, "items": []} for item in items
                    ]
                    nested[0]["items"] = [
                        {"content": self._sentence(2, 5), "meta": {}, "items": []}
                    ]
                    add("list", {"style": "unordered", "meta": {}, "items": nested})
                else:
                    add("list", {"style": rng.choice(("ordered", "unordered")), "items": items})
                budget -= 6 * len(items)
            elif draw < 0.82:
                checks = [
                    {"text": self._sentence(2, 7), "checked": rng.random() < 0.6}
                    for _ in range(rng.randint(2, 8))
                ]
                add("checklist", {"items": checks})
                budget -= 5 * len(checks)
            elif draw < 0.88:
                add(
                    "quote",
                    {
                        "text": self._sentence(6, 18),
                        "caption": rng.choice(QUOTE_AUTHORS),
                        "alignment": "left",
                    },
                )
                budget -= 12
            elif draw < 0.91:
                add("code", {"code": rng.choice(CODE_SNIPPETS)})
                budget -= 6
            elif draw < 0.94:
                rows = [[self._sentence(1, 3) for _ in range(3)] for _ in range(rng.randint(2, 5))]
                add("table", {"withHeadings": True, "content": rows})
                budget -= 6 * len(rows)
            else:
                add("delimiter", {})
                budget -= 1
        self._mark(blocks)
        document = {"time": int(created.timestamp() * 1000), "blocks": blocks, "version": "2.30.7"}
        return json.dumps(document, separators=(",", ":"))

    def _mark(self, blocks: list[dict[str, Any]]) -> None:
        """Put the benchmark's words into the first paragraph of some entries."""
        rng = self.rng
        paragraph = next(b for b in blocks if b["type"] == "paragraph")
        for word, share in ((COMMON_WORD, COMMON_SHARE), (RARE_WORD, RARE_SHARE)):
            if rng.random() < share:
                paragraph["data"]["text"] += f" A note of {word}."
