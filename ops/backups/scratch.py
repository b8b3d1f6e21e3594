"""Scratch databases: created for a verification or a restore, dropped afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlsplit, urlunsplit

from psycopg import sql

from ops.database import connect, translate_errors


def database_url(url: str, dbname: str) -> str:
    """``url`` (same server and credentials) pointed at database ``dbname``."""
    return urlunsplit(urlsplit(url)._replace(path="/" + quote(dbname, safe="")))


def create(url: str, dbname: str) -> None:
    doing = f"create database {dbname}"
    with translate_errors(doing), connect(url, doing, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template template0").format(sql.Identifier(dbname))
        )


def drop(url: str, dbname: str) -> None:
    doing = f"drop database {dbname}"
    with translate_errors(doing), connect(url, doing, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(dbname))
        )


@contextmanager
def scratch_database(url: str, dbname: str) -> Iterator[str]:
    """A new empty database ``dbname`` on the server of ``url``, dropped on exit."""
    drop(url, dbname)  # a verification killed half-way leaves its scratch behind
    create(url, dbname)
    try:
        yield database_url(url, dbname)
    finally:
        drop(url, dbname)
