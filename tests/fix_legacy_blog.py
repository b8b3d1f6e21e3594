"""pytest fixtures: the legacy Django blog's SQLite databases (issue 23, tests/legacy_blog).

- ``legacy_blog`` (session): 30 users, 150 articles, about 3 comments per article, made by
  Django in a subprocess (about 2 s, once); its JSON's counts and clear-text passwords in
  the ``LegacyBlog``. Never write to it: alter ``legacy_blog_copy``.
- ``legacy_blog_copy``: a fresh copy of it (with its JSON) in the test's tmp_path, for
  ``tests.legacy_blog.edge`` to alter.
- ``legacy_empty``: a fresh Django-made empty database (tables only) for ``fill``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.legacy_blog import LegacyBlog, empty_blog, make_blog, read_blog
from tests.legacy_blog.edge import copy_blog


@pytest.fixture(scope="session")
def legacy_blog(tmp_path_factory: pytest.TempPathFactory) -> LegacyBlog:
    out = tmp_path_factory.mktemp("legacy-blog") / "blog.sqlite3"
    return make_blog(out, users=30, articles=150, comments_per_article=3)


@pytest.fixture
def legacy_blog_copy(legacy_blog: LegacyBlog, tmp_path: Path) -> LegacyBlog:
    return read_blog(copy_blog(legacy_blog.path, tmp_path / "blog-copy.sqlite3"))


@pytest.fixture
def legacy_empty(tmp_path: Path) -> Path:
    return empty_blog(tmp_path / "empty.sqlite3")
