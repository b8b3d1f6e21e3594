"""A small random journal world for property tests, built through PostgREST by its owners.

Hypothesis draws a ``WorldSpec`` (2-4 users, each with 1-3 tags and 0-3 entries: words
of a title and a body, an Editor.js block type or a sealed envelope, a public flag, a
deletion, a day of March 2025, tags). ``build_world`` creates fresh users and writes
everything through the real PostgREST as each owner, exactly as a frontend would. Every
entry's title carries a nonce word of its own and every tag name one too, so a test can
look for them in any answer; a marker word, fresh per world, stands where a spec says
``MARKER``. The model's rule of who sees what (``World.sees``) is the issue's, written
again here from the specification, never read from the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from hypothesis import strategies as st

from tests.fix_postgrest import ApiServer
from tests.publishing_client import create_user, json_of, login

JOURNAL = {"Accept-Profile": "journal", "Content-Profile": "journal"}
RETURN = {"Prefer": "return=representation"}
#: Stands for the world's own marker word in a spec.
MARKER = "*"
WORDS = ("sea", "tea", "walk", "rain", MARKER)
TAG_WORDS = ("family", "travel", "work", "health")
BLOCKS = ("paragraph", "header", "list", "checklist", "quote", "table")
MONTH = "2025-03"
DAYS = 4  # entries are about one of the first DAYS days of MONTH


def fresh_word(prefix: str) -> str:
    """A word no other world holds, in letters only (one token for the 'simple' parser)."""
    return prefix + uuid.uuid4().hex[:12].translate(str.maketrans("0123456789", "ghijklmnop"))


@dataclass(frozen=True)
class EntrySpec:
    title: tuple[str, ...]
    body: tuple[str, ...]
    block: str
    sealed: bool
    public: bool
    deleted: bool
    day: int
    tags: frozenset[int]  # indexes into the owner's tags


@dataclass(frozen=True)
class UserSpec:
    tags: tuple[str, ...]
    entries: tuple[EntrySpec, ...]


words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(tuple)
entry_specs = st.builds(
    EntrySpec,
    title=words,
    body=words,
    block=st.sampled_from(BLOCKS),
    sealed=st.booleans(),
    public=st.booleans(),
    deleted=st.booleans(),
    day=st.integers(min_value=1, max_value=DAYS),
    tags=st.frozensets(st.integers(min_value=0, max_value=2), max_size=3),
)
user_specs = st.builds(
    UserSpec,
    tags=st.lists(st.sampled_from(TAG_WORDS), min_size=1, max_size=3, unique=True).map(tuple),
    entries=st.lists(entry_specs, max_size=3).map(tuple),
)
world_specs = st.lists(user_specs, min_size=2, max_size=4)


@dataclass(frozen=True)
class Tag:
    id: str
    name: str


@dataclass(frozen=True)
class User:
    index: int
    id: str
    headers: dict[str, str]
    tags: tuple[Tag, ...]


@dataclass(frozen=True)
class Entry:
    id: str
    owner: int  # a User.index
    spec: EntrySpec
    title: str
    nonce: str  # a word of the title that no other entry has
    tags: frozenset[str]  # tag ids
    #: the words a search finds it by: the title's, and the text's unless sealed
    words: frozenset[str]

    @property
    def live_public(self) -> bool:
        return self.spec.public and not self.spec.deleted


@dataclass(frozen=True)
class World:
    marker: str
    users: tuple[User, ...]
    entries: tuple[Entry, ...]

    def sees(self, observer: int | None, entry: Entry) -> bool:
        """The issue's rule: your own entries (deleted ones too); others' public, live ones."""
        return entry.owner == observer or entry.live_public

    def owner_filter(self) -> dict[str, str]:
        return {"owner_id": f"in.({','.join(u.id for u in self.users)})"}


def editor_content(block: str, text: list[str]) -> dict[str, Any]:
    """Editor.js saved data holding the words in one block of the given type, some marked up."""
    line = " ".join(f"<b>{w}</b>" if n % 2 else w for n, w in enumerate(text))
    by_type: dict[str, dict[str, Any]] = {
        "paragraph": {"text": line},
        "header": {"text": line, "level": 2},
        "list": {
            "style": "unordered",
            "items": [{"content": text[0], "items": [{"content": w} for w in text[1:]]}],
        },
        "checklist": {"items": [{"text": w, "checked": n % 2 == 0} for n, w in enumerate(text)]},
        "quote": {"text": text[0], "caption": " ".join(text[1:])},
        "table": {"withHeadings": False, "content": [text]},
    }
    block_data = {"type": block, "data": by_type[block]}
    return {"time": 1741000000000, "version": "2.28.2", "blocks": [block_data]}


def sealed_content(text: list[str]) -> dict[str, Any]:
    """A sealed envelope. Its "ciphertext" is the words in the clear on purpose: the server
    must not read it, so even then they are not searchable."""
    return {"sealed": {"alg": "AES-256-GCM", "iv": "aXYtaXYtaXYt", "ciphertext": " ".join(text)}}


def sign_in(api: httpx.Client, postgrest: ApiServer, index: int) -> tuple[str, dict[str, str]]:
    headers = {**login(api, create_user(postgrest.db_url, [], f"jprop{index}")), **JOURNAL}
    token = headers["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, postgrest.jwt_secret, algorithms=["HS256"])
    return str(claims["sub"]), headers


def build_world(api: httpx.Client, postgrest: ApiServer, specs: list[UserSpec]) -> World:
    """Fresh users, and their tags, entries, tag links and deletions, each written by its owner."""
    marker = fresh_word("mk")

    def real(ws: tuple[str, ...]) -> list[str]:
        return [marker if w == MARKER else w for w in ws]

    users: list[User] = []
    entries: list[Entry] = []
    for index, spec in enumerate(specs):
        user_id, headers = sign_in(api, postgrest, index)
        names = [f"{name} {fresh_word('t')}" for name in spec.tags]
        rows = json_of(
            api.post("/tags", headers={**headers, **RETURN}, json=[{"name": n} for n in names])
        )
        by_name = {row["name"]: row["id"] for row in rows}
        tags = tuple(Tag(id=by_name[n], name=n) for n in names)
        users.append(User(index=index, id=user_id, headers=headers, tags=tags))
        if not spec.entries:
            continue
        nonces = [fresh_word("n") for _ in spec.entries]
        titles = [
            " ".join([*real(e.title), nonce]) for e, nonce in zip(spec.entries, nonces, strict=True)
        ]
        posted = [
            {
                "title": title,
                "content": sealed_content(real(e.body))
                if e.sealed
                else editor_content(e.block, real(e.body)),
                "entry_date": f"{MONTH}-{e.day:02d}",
                "is_public": e.public,
            }
            for e, title in zip(spec.entries, titles, strict=True)
        ]
        rows = json_of(api.post("/entries", headers={**headers, **RETURN}, json=posted))
        ids = {row["title"]: row["id"] for row in rows}
        mine = [
            Entry(
                id=ids[title],
                owner=index,
                spec=e,
                title=title,
                nonce=nonce,
                tags=frozenset(tags[t].id for t in e.tags if t < len(tags)),
                words=frozenset(title.split() + ([] if e.sealed else real(e.body))),
            )
            for e, title, nonce in zip(spec.entries, titles, nonces, strict=True)
        ]
        body = [{"entry_id": e.id, "tag_id": t} for e in mine for t in sorted(e.tags)]
        if body:
            json_of(api.post("/entry_tags", headers=headers, json=body))
        deleted = [e.id for e in mine if e.spec.deleted]
        if deleted:
            json_of(
                api.patch(
                    "/entries",
                    headers=headers,
                    params={"id": f"in.({','.join(deleted)})"},
                    json={"deleted_at": "now"},
                )
            )
        entries.extend(mine)
    return World(marker=marker, users=tuple(users), entries=tuple(entries))
