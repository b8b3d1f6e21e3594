"""Fixtures of issue 23: SQLite databases exactly as the legacy Django blog writes them.

- ``make_blog(out, ...)``: demo data made by Django itself (a subprocess running
  ``make_fixture.py`` on the app's own models in ``blog/``), with its JSON of counts and
  clear-text passwords (``LegacyBlog``).
- ``empty_blog(out)``: the tables only (a copy of one Django-made file per process);
  ``fill(path, rows)`` inserts ``LegacyRows`` (Django's column names and storage format);
  ``read_rows(path)`` reads them back.
- ``fill_large(path, ...)`` (``large.py``): 100k articles / 400k comments in seconds.
- ``strategies.legacy_rows()``: hypothesis; ``edge.*``: one conflict per function.

Nothing here imports Django in the calling process: Django is a dev dependency and runs
only in the subprocesses (``make_fixture.py``, ``check_passwords.py``,
``check_rows.py``: ``django_review(path)`` says which rows Django's models refuse and which
values are not in Django's storage format).
"""

from __future__ import annotations

from tests.legacy_blog.bulk import fill_large
from tests.legacy_blog.made import (
    LegacyBlog,
    django_check_passwords,
    django_review,
    empty_blog,
    low_hashes,
    make_blog,
    read_blog,
)
from tests.legacy_blog.rows import (
    COLUMNS,
    TABLES,
    LegacyRows,
    Row,
    django_datetime,
    django_json,
    fill,
    read_rows,
    table_counts,
)

__all__ = [
    "COLUMNS",
    "TABLES",
    "LegacyBlog",
    "LegacyRows",
    "Row",
    "django_check_passwords",
    "django_datetime",
    "django_json",
    "django_review",
    "empty_blog",
    "fill",
    "fill_large",
    "low_hashes",
    "make_blog",
    "read_blog",
    "read_rows",
    "table_counts",
]
