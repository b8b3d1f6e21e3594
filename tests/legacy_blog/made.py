"""Databases made by Django itself, in a subprocess (Django's settings are process-global).

``make_blog`` runs ``tests/legacy_blog/make_fixture.py`` with the project's venv Python;
``empty_blog`` copies an empty database that Django made once per process (with a few
low-iteration hashes beside it, ``low_hashes``); ``django_check_passwords`` asks Django's
own ``check_password`` about (clear text, stored hash) pairs.
"""

from __future__ import annotations

import atexit
import functools
import json
import logging
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.paths import PROJECT_ROOT

log = logging.getLogger(__name__)

#: how many low-iteration hashes the cached empty database carries
LOW_HASHES = 32


@dataclass(frozen=True)
class LegacyBlog:
    """A legacy blog database and what its JSON says: row counts, clear-text passwords."""

    path: Path
    counts: dict[str, int]
    #: username -> clear text, for every account with a usable password
    passwords: dict[str, str]


def python() -> str:
    """The project's venv Python (it has Django), else the running one."""
    venv = PROJECT_ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run_django(module: str, *args: str, stdin: str | None = None) -> str:
    """Run ``python -m tests.legacy_blog.<module> ARGS`` and return its standard output."""
    result = subprocess.run(
        [python(), "-m", f"tests.legacy_blog.{module}", *args],
        cwd=PROJECT_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"tests.legacy_blog.{module} {' '.join(args)} failed ({result.returncode}): "
            f"{result.stderr.strip()[-2000:]}\nIs Django installed? (`make bootstrap`)"
        )
    return result.stdout


def json_path(db: Path) -> Path:
    """The JSON beside a fixture database (``F.json`` for ``F``)."""
    return db.with_suffix(db.suffix + ".json")


def read_blog(db: Path) -> LegacyBlog:
    """A fixture database with the counts and passwords of its JSON."""
    data = json.loads(json_path(db).read_text())
    return LegacyBlog(path=db, counts=dict(data["counts"]), passwords=dict(data["passwords"]))


def make_blog(
    out: Path,
    *,
    users: int = 50,
    articles: int = 500,
    comments_per_article: int = 4,
    seed: int = 7,
) -> LegacyBlog:
    """A demo database made by the legacy app's Django (4 s for the defaults)."""
    run_django(
        "make_fixture",
        *("--out", str(out), "--users", str(users), "--articles", str(articles)),
        *("--comments-per-article", str(comments_per_article), "--seed", str(seed)),
    )
    return read_blog(out)


@functools.cache
def _template() -> tuple[Path, tuple[tuple[str, str], ...]]:
    """The empty database Django made for this process, and the low-iteration hashes."""
    folder = Path(tempfile.mkdtemp(prefix="legacy-blog-"))
    atexit.register(shutil.rmtree, folder, True)
    db = folder / "empty.sqlite3"
    log.info("making the empty legacy blog database in %s", folder)
    run_django("make_fixture", "--out", str(db), "--empty", "--hashes", str(LOW_HASHES))
    data = json.loads(json_path(db).read_text())
    return db, tuple((h["password"], h["hash"]) for h in data["hashes"])


def empty_blog(out: Path) -> Path:
    """A copy of an empty database (tables only) made by Django, at ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_template()[0], out)
    return out


def low_hashes() -> tuple[tuple[str, str], ...]:
    """(clear text, Django PBKDF2 hash at 1,000 iterations) pairs, made once per process."""
    return _template()[1]


def django_check_passwords(pairs: list[tuple[str, str]]) -> list[bool]:
    """Django's ``check_password(clear, encoded)`` for each pair (one subprocess)."""
    out = run_django("check_passwords", stdin=json.dumps(pairs))
    verdicts: list[bool] = json.loads(out)
    return verdicts


def django_review(db: Path) -> dict[str, list[str]]:
    """Django's reading of ``db``: rows its models refuse, values not in its format."""
    found: dict[str, list[str]] = json.loads(run_django("check_rows", str(db)))
    return found
