"""Make a SQLite database exactly as the legacy Django blog writes it (run in its own process).

    python -m tests.legacy_blog.make_fixture --out F [--users 50] [--articles 500]
        [--comments-per-article 4] [--seed 7] [--empty] [--hashes N]

Django itself creates the tables (``migrate --run-syncdb`` on the app's own models,
``tests/legacy_blog/blog/models.py``) and hashes the passwords with its PBKDF2 hasher at the
four iteration counts of its releases, so the file has the real layout, types and hash
formats of the running app. Beside the database it writes ``F.json``: the row count of every
table, the clear-text password of every account with a usable one and, with ``--hashes N``,
N Django hashes at a low iteration count with their clear texts (for fast generated
databases: ``tests/legacy_blog/large.py``, ``strategies.py``).

The data is the shared generator's (``make_fixture.py`` beside the legacy app) with two
changes: every timestamp derives from a fixed clock (none from the wall clock), and comment
threads nest at most 5 levels, so that the demo data breaks no rule of the platform; the
conflicts come from ``tests/legacy_blog/edge.py``. Django's settings are process-global:
call this through ``tests.legacy_blog.make_blog`` / ``empty_blog``, never import Django in
the test process.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_WORD_TEXT = (
    "river harvest policy season market coast storm garden library signal winter ledger "
    "harbor meadow council lantern orchard bridge quarry festival engine compass archive "
    "valley letter record canvas anchor summit thread beacon pattern journal"
)
WORDS = _WORD_TEXT.split()
#: iteration counts of Django's PBKDF2 hasher across releases (5.2, 5.0, 4.2, 3.2)
ITERATIONS = (1_000_000, 870_000, 600_000, 260_000)
#: the iteration count of ``--hashes``: real format, a thousandth of the cost
LOW_ITERATIONS = 1_000
#: the platform's deepest comment (depth 0..4); the demo data stays within it
MAX_DEPTH = 4
#: the fixed clock every timestamp derives from
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def configure(database: Path) -> None:
    """Django's settings as the legacy app runs: SQLite, USE_TZ, tables straight from models."""
    import django
    from django.conf import settings

    sys.path.insert(0, str(HERE))  # the app is importable as ``blog``, its label
    settings.configure(
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "blog"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}},
        AUTH_USER_MODEL="blog.CustomUser",
        USE_TZ=True,
        MIGRATION_MODULES={"blog": None},  # tables straight from the models (syncdb)
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def low_hashes(rng: random.Random, n: int) -> list[dict[str, str]]:
    """N hashes by Django's own PBKDF2 hasher at LOW_ITERATIONS, with their clear texts."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    hasher.iterations = LOW_ITERATIONS
    found = []
    for i in range(n):
        clear = f"low pass {i} {rng.choice(WORDS)}"
        found.append({"password": clear, "hash": hasher.encode(clear, hasher.salt())})
    return found


def demo_data(args: argparse.Namespace, rng: random.Random) -> dict[str, str]:
    """Fill the database like the shared generator; return username -> clear password."""
    from django.apps import apps
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
    from django.utils.text import slugify

    article_model = apps.get_model("blog", "Article")
    category_model = apps.get_model("blog", "Category")
    comment_model = apps.get_model("blog", "Comment")
    setting_model = apps.get_model("blog", "SiteSetting")
    tag_model = apps.get_model("blog", "Tag")
    user_model = apps.get_model("blog", "CustomUser")
    passwords: dict[str, str] = {}

    # A handful of distinct hashes, reused: real PBKDF2 costs ~0.5 s per hash.
    hashes = []
    for i, iterations in enumerate(ITERATIONS):
        clear = f"legacy pass {i} {rng.choice(WORDS)}"
        hasher = PBKDF2PasswordHasher()
        hasher.iterations = iterations
        hashes.append((clear, hasher.encode(clear, hasher.salt())))

    users = []
    for i in range(args.users):
        first = rng.choice(["Ada", "Grace", "Linus", "Zoë", "Øystein", "Amélie", "Kenji"])
        last = rng.choice(["Lovelace", "Hopper", "Núñez", "Müller", "Ōta", "Smith", "O'Brien"])
        username = f"{slugify(first) or 'user'}{i}"
        if i % 9 == 8:
            password = make_password(None)  # an account with no usable password
        else:
            clear, password = hashes[i % len(hashes)]
            passwords[username] = clear
        users.append(
            user_model(
                username=username,
                email=f"{username}@example.org",
                password=password,
                first_name=first,
                last_name=last,
                title=rng.choice(["", "Dr", "Ms", "Mr"]),
                bio=sentence(rng, 12) if i % 3 else "",
                user_type="admin" if i == 0 else rng.choice(["normal", "normal", "guest"]),
                is_staff=i < 3,
                is_superuser=i == 0,
                preferences={"theme": rng.choice(["light", "dark"]), "digest": i % 2 == 0},
                timezone=rng.choice(["", "UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo"]),
                date_joined=NOW - timedelta(days=rng.randint(30, 900)),
                last_active=None if i % 5 == 0 else NOW - timedelta(hours=rng.randint(1, 2000)),
            )
        )
    user_model.objects.bulk_create(users)
    users = list(user_model.objects.order_by("id"))

    roots = [
        category_model.objects.create(name=n, slug=slugify(n))
        for n in ("News", "Science", "Culture")
    ]
    cats = list(roots)
    for root in roots:
        for j in range(3):
            word = WORDS[j + len(cats)]
            child = category_model.objects.create(
                name=f"{root.name} {word}", slug=f"{root.slug}-{word}", parent=root
            )
            cats.append(child)
            if j == 0:
                cats.append(
                    category_model.objects.create(
                        name=f"{child.name} deep", slug=f"{child.slug}-deep", parent=child
                    )
                )
    tags = tag_model.objects.bulk_create([tag_model(name=w, slug=w) for w in WORDS])

    articles = []
    for i in range(args.articles):
        status = rng.choices(["published", "draft", "archived"], weights=[7, 2, 1])[0]
        created = NOW - timedelta(days=rng.randint(0, 800), minutes=rng.randint(0, 1440))
        title = sentence(rng, rng.randint(3, 9))[:-1]
        content = "\n\n".join(sentence(rng, rng.randint(8, 30)) for _ in range(rng.randint(2, 30)))
        scheduled = status == "draft" and i % 3 == 0
        articles.append(
            article_model(
                title=title,
                slug=f"{slugify(title)[:200]}-{i}",
                excerpt=sentence(rng, 15) if i % 4 else "",
                content=content,
                image=f"articles/{i}.jpg" if i % 6 == 0 else "",
                read_time=max(1, len(content.split()) // 200),
                author=rng.choice(users),
                category=rng.choice(cats) if i % 10 else None,
                status=status,
                views=rng.randint(0, 50_000),
                likes=rng.randint(0, 900),
                featured=i % 25 == 0,
                scheduled_publish=NOW + timedelta(days=rng.randint(1, 30)) if scheduled else None,
                published_at=created + timedelta(hours=1) if status != "draft" else None,
            )
        )
    article_model.objects.bulk_create(articles, batch_size=500)
    articles = list(article_model.objects.order_by("id"))
    through = article_model.tags.through
    links = []
    for a in articles:
        for t in rng.sample(tags, rng.randint(0, 4)):
            links.append(through(article_id=a.id, tag_id=t.id))
    through.objects.bulk_create(links, batch_size=2000)
    # auto_now(_add) wrote the wall clock: spread it the way a real history would be
    # (bulk_update writes the values as given).
    for a in articles:
        a.created_at = (a.published_at or NOW) - timedelta(hours=rng.randint(1, 100))
        a.updated_at = min(
            NOW, (a.published_at or a.created_at) + timedelta(hours=rng.randint(0, 300))
        )
    article_model.objects.bulk_update(articles, ["created_at", "updated_at"], batch_size=500)

    comments = []
    for a in articles:
        thread: list[tuple[Any, int]] = []  # (comment, depth)
        when = a.published_at or a.created_at
        for _ in range(rng.randint(0, 2 * args.comments_per_article)):
            open_ = [(c, d) for c, d in thread if d < MAX_DEPTH]
            parent, depth = rng.choice(open_) if open_ and rng.random() < 0.5 else (None, -1)
            c = comment_model.objects.create(
                article=a,
                author=rng.choice(users),
                parent=parent,
                content=sentence(rng, rng.randint(4, 40)),
                approved=rng.random() < 0.8,
                is_flagged=rng.random() < 0.05,
                ip_address=rng.choice(
                    [None, f"192.0.2.{rng.randint(1, 254)}", f"2001:db8::{rng.randint(1, 999):x}"]
                ),
                user_agent=rng.choice(["", "Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5"]),
                moderation_notes="checked" if rng.random() < 0.1 else "",
            )
            when += timedelta(minutes=rng.randint(1, 600))
            c.created_at = when
            c.updated_at = when + timedelta(minutes=rng.randint(0, 30) if rng.random() < 0.1 else 0)
            comments.append(c)
            thread.append((c, depth + 1))
    comment_model.objects.bulk_update(comments, ["created_at", "updated_at"], batch_size=500)

    setting_model.objects.bulk_create(
        [
            setting_model(key="site_name", value={"text": "The Legacy Blog"}),
            setting_model(key="comments", value={"moderation": True, "max_depth": None}),
            setting_model(
                key="social",
                value={"twitter": "@legacyblog", "links": ["https://example.org"]},
            ),
        ]
    )
    return passwords


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--comments-per-article", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--empty", action="store_true", help="the tables only, no rows")
    ap.add_argument(
        "--hashes",
        type=int,
        default=0,
        metavar="N",
        help=f"also write N hashes at {LOW_ITERATIONS} iterations with their clear texts",
    )
    args = ap.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.exists():
        args.out.unlink()
    configure(args.out)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", run_syncdb=True, verbosity=0)
    rng = random.Random(args.seed)  # noqa: S311 - demo data, reproducible by design
    passwords = {} if args.empty else demo_data(args, rng)
    hashes = low_hashes(rng, args.hashes)

    counts = {}
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'select count(*) from "{table}"')
            counts[table] = cur.fetchone()[0]
    connection.close()
    args.out.with_suffix(args.out.suffix + ".json").write_text(
        json.dumps(
            {"counts": counts, "passwords": passwords, "hashes": hashes},
            indent=1,
            ensure_ascii=False,
        )
    )
    print(f"{args.out}: {sum(counts.values())} rows in {len(counts)} tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
