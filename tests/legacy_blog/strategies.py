"""hypothesis strategies: small, consistent legacy blogs as ``LegacyRows``.

``legacy_rows()`` draws users, a category tree, tags, articles with tags, threaded comments
and site settings whose foreign keys all hold, with unicode text, in Django's storage
format (``rows.py``). Without quirks every row is one the platform accepts as it is
(usernames, unique e-mails, known time zones, threads of 5 levels at most, usable
passwords). With ``quirks=True`` it also draws what the legacy app let in: e-mails equal
but for case, blank e-mails, threads deeper than 5 levels, usernames the platform refuses
(``@``, ``+``, non-ASCII letters, a leading dot, more than 32 characters), time zones that
do not exist, and unusable passwords (``!`` + 40 characters).

Usable passwords are Django hashes at 1,000 iterations (``low_hashes``, made by Django in
a subprocess once per process, when the strategy is built), with their clear texts in
``LegacyRows.passwords``.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import string
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from tests.legacy_blog.made import low_hashes
from tests.legacy_blog.rows import LegacyRows, Row, django_datetime, django_json

#: the platform's username rule (auth.users_username_format)
PLATFORM_USERNAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{2,31}$")
#: the platform's deepest comment
MAX_DEPTH = 4
ZONES = ["", "UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Pacific/Auckland"]
BAD_ZONES = ["Mars/Olympus_Mons", "Europe/Atlantis", "America/Gotham"]
#: username -> one the platform refuses but Django (``[\w.@+-]{1,150}``) accepts
BAD_USERNAMES = [
    "{}@legacy",
    "plus+{}",
    "ünïcødé{}",
    ".dot{}",
    "averyveryverylongusernamefromthelegacyblog{}",
]

_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\n\t"),
    max_size=40,
)
_MOMENTS = st.datetimes(min_value=datetime(2012, 1, 1), max_value=datetime(2026, 5, 1))


def _text(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Unicode text; with ``min_size`` > 0, not blank (the platform trims before checking)."""
    text = st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\n"),
        min_size=min_size,
        max_size=max_size,
    )
    return text.filter(lambda s: s.strip() != "") if min_size else text


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:60].strip("-")


def _after(start: datetime, delta: timedelta) -> str:
    return django_datetime(start + delta)


def _ip() -> st.SearchStrategy[str | None]:
    v6 = st.ip_addresses(v=6).filter(
        lambda a: isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped is None
    )
    return st.one_of(st.none(), st.ip_addresses(v=4).map(str), v6.map(str))


@st.composite
def _users(
    draw: st.DrawFn, max_users: int, quirks: bool, hashes: tuple[tuple[str, str], ...]
) -> tuple[list[Row], dict[str, str]]:
    count = draw(st.integers(1, max_users))
    users: list[Row] = []
    passwords: dict[str, str] = {}
    for i in range(count):
        uid = i + 1
        base = draw(st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{2,20}", fullmatch=True))
        username = f"{base}_{uid}"  # unique, also ignoring case (the platform's citext)
        if quirks and draw(st.integers(0, 4)) == 0:
            username = draw(st.sampled_from(BAD_USERNAMES)).format(uid)
        email = f"user{uid}.{_slug(base) or 'x'}@example.org"
        if quirks and users and draw(st.integers(0, 4)) == 0:
            other = draw(st.sampled_from(users))["email"] or f"user{uid}@example.org"
            local, domain = other.split("@")
            email = f"{local.swapcase()}@{domain}"  # equal to another's but for case
        elif quirks and draw(st.integers(0, 5)) == 0:
            email = ""
        if quirks and draw(st.booleans()) and draw(st.booleans()):
            password = "!" + draw(
                st.text(string.ascii_letters + string.digits, min_size=40, max_size=40)
            )
        else:
            clear, password = draw(st.sampled_from(hashes))
            passwords[username] = clear
        joined = draw(_MOMENTS)
        later = st.none() | st.timedeltas(timedelta(0), timedelta(days=900)).map(
            functools.partial(_after, joined)
        )
        zones = ZONES + BAD_ZONES if quirks else ZONES
        users.append(
            {
                "id": uid,
                "password": password,
                "last_login": draw(later),
                "is_superuser": int(draw(st.booleans())),
                "username": username,
                "first_name": draw(_text(0, 30)),
                "last_name": draw(_text(0, 30)),
                "email": email,
                "is_staff": int(draw(st.booleans())),
                "is_active": int(draw(st.booleans())),
                "date_joined": django_datetime(joined),
                "title": draw(st.sampled_from(["", "Dr", "Ms", "Mr", "Prof"])),
                "bio": draw(_text(0, 200)),
                "user_type": draw(st.sampled_from(["admin", "normal", "guest"])),
                "avatar": draw(st.sampled_from(["", f"avatars/{uid}.png"])),
                "preferences": django_json(
                    draw(
                        st.dictionaries(
                            _text(1, 10),
                            st.none() | st.booleans() | st.integers(-100, 100) | _text(),
                            max_size=3,
                        )
                    )
                ),
                "timezone": draw(st.sampled_from(zones)),
                "last_active": draw(later),
            }
        )
    return users, passwords


@st.composite
def _comments(
    draw: st.DrawFn,
    articles: list[Row],
    users: list[Row],
    max_comments: int,
    quirks: bool,
) -> list[Row]:
    comments: list[Row] = []
    depth: dict[int, int] = {}

    def add(article: Row, parent: int | None) -> None:
        cid = len(comments) + 1
        created = datetime.fromisoformat(article["created_at"]) + draw(
            st.timedeltas(timedelta(0), timedelta(days=400))
        )
        edited = created + draw(st.sampled_from([timedelta(0), timedelta(minutes=7)]))
        depth[cid] = 0 if parent is None else depth[parent] + 1
        comments.append(
            {
                "id": cid,
                "article_id": article["id"],
                "author_id": draw(st.sampled_from(users))["id"],
                "parent_id": parent,
                "content": draw(_text(1, 300)),
                "approved": int(draw(st.booleans())),
                "is_flagged": int(draw(st.booleans())),
                "ip_address": draw(_ip()),
                "user_agent": draw(st.sampled_from(["", "Mozilla/5.0 (X11; Linux x86_64)"])),
                "moderation_notes": draw(st.sampled_from(["", "checked", draw(_TEXT)])),
                "created_at": django_datetime(created),
                "updated_at": django_datetime(edited),
            }
        )

    if not articles:
        return comments
    for _ in range(draw(st.integers(0, max_comments))):
        article = draw(st.sampled_from(articles))
        same = [
            c["id"]
            for c in comments
            if c["article_id"] == article["id"] and (quirks or depth[c["id"]] < MAX_DEPTH)
        ]
        parent = draw(st.none() | st.sampled_from(same)) if same else None
        add(article, parent)
    if quirks and draw(st.booleans()):
        # a thread deeper than the platform's 5 levels (depth 5 and more)
        article = draw(st.sampled_from(articles))
        parent = None
        for _ in range(draw(st.integers(MAX_DEPTH + 2, MAX_DEPTH + 4))):
            add(article, parent)
            parent = len(comments)
    return comments


def legacy_rows(
    max_users: int = 6, max_articles: int = 8, max_comments: int = 20, quirks: bool = False
) -> st.SearchStrategy[LegacyRows]:
    """Small consistent legacy blogs (see the module's docstring)."""
    return _legacy_rows(max_users, max_articles, max_comments, quirks, low_hashes())


@st.composite
def _legacy_rows(
    draw: st.DrawFn,
    max_users: int,
    max_articles: int,
    max_comments: int,
    quirks: bool,
    hashes: tuple[tuple[str, str], ...],
) -> LegacyRows:
    users, passwords = draw(_users(max_users, quirks, hashes))

    categories: list[Row] = []
    for i in range(draw(st.integers(0, 4))):
        name = draw(_text(1, 30)).strip()
        parent = draw(st.none() | st.sampled_from([c["id"] for c in categories])) if i else None
        categories.append(
            {
                "id": i + 1,
                "name": f"{name} {i + 1}",
                "slug": f"{_slug(name) or 'category'}-{i + 1}",
                "description": draw(_text(0, 100)),
                "parent_id": parent,
            }
        )
    tags: list[Row] = [
        {"id": i + 1, "name": f"{draw(_text(1, 20)).strip()} {i + 1}", "slug": f"tag-{i + 1}"}
        for i in range(draw(st.integers(0, 5)))
    ]

    articles: list[Row] = []
    article_tags: list[Row] = []
    for i in range(draw(st.integers(0, max_articles))):
        aid = i + 1
        title = draw(_text(1, 80)).strip()
        status = draw(st.sampled_from(["draft", "published", "archived"]))
        created = draw(_MOMENTS)
        published = created + draw(st.timedeltas(timedelta(0), timedelta(days=30)))
        scheduled = status == "draft" and draw(st.booleans())
        row: dict[str, Any] = {
            "id": aid,
            "title": title,
            "slug": f"{_slug(title) or 'article'}-{aid}",
            "excerpt": draw(_text(0, 100)),
            "content": draw(_text(1, 800)),
            "image": draw(st.sampled_from(["", f"articles/{aid}.jpg"])),
            "read_time": draw(st.integers(0, 30)),
            "author_id": draw(st.sampled_from(users))["id"],
            "category_id": draw(st.none() | st.sampled_from([c["id"] for c in categories]))
            if categories
            else None,
            "status": status,
            "views": draw(st.integers(0, 1_000_000)),
            "likes": draw(st.integers(0, 10_000)),
            "featured": int(draw(st.booleans())),
            "scheduled_publish": django_datetime(published + timedelta(days=60))
            if scheduled
            else None,
            "created_at": django_datetime(created),
            "updated_at": django_datetime(published + timedelta(hours=1)),
            "published_at": None if status == "draft" else django_datetime(published),
        }
        articles.append(row)
        tag_ids: list[int] = [t["id"] for t in tags]
        ids = draw(st.lists(st.sampled_from(tag_ids), unique=True, max_size=4)) if tags else []
        for tag_id in sorted(ids):
            article_tags.append({"id": len(article_tags) + 1, "article_id": aid, "tag_id": tag_id})

    comments = draw(_comments(articles, users, max_comments, quirks))
    keys = ["site_name", "comments", "social", "footer.text"]
    keys = draw(st.lists(st.sampled_from(keys), unique=True, max_size=3))
    values = st.dictionaries(
        st.sampled_from(["text", "links", "on"]),
        _text() | st.booleans() | st.lists(_text(), max_size=2),
        min_size=1,  # the model's JSONField is not blank=True
        max_size=2,
    )
    site_settings = [
        {
            "id": i + 1,
            "key": key,
            "value": django_json(draw(values)),
        }
        for i, key in enumerate(keys)
    ]
    return LegacyRows(
        users=users,
        categories=categories,
        tags=tags,
        articles=articles,
        article_tags=article_tags,
        comments=comments,
        site_settings=site_settings,
        passwords=passwords,
    )
