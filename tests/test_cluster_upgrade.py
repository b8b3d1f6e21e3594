"""``inv up`` restarts a running server whose PostgreSQL binaries changed under it.

A Debian upgrade of ``postgresql-15`` replaces the server binary and its libraries while
the server runs; new backends then fail to load ``plpgsql.so``. The files checked are
injectable: these tests give a real cluster copies of them and replace a copy, never
touching the system's files.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest

from ops.cluster import PG_BIN_DIR, Cluster
from ops.stack import Stack
from tests.fix_cluster import SETTINGS, scratch_cluster


def start_time(cluster: Cluster) -> float:
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        row = conn.execute("select extract(epoch from pg_postmaster_start_time())").fetchone()
    assert row is not None
    return float(str(row[0]))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A cluster of its own, watching copies of the server binary and of plpgsql.so."""
    copies = tmp_path_factory.mktemp("server-files")
    watched = (copies / "postgres", copies / "plpgsql.so")
    shutil.copy2(PG_BIN_DIR / "postgres", watched[0])
    shutil.copy2(PG_BIN_DIR.parent / "lib" / "plpgsql.so", watched[1])
    with scratch_cluster("upgrade-cluster", {"fsync": False}, server_files=watched) as cluster:
        yield cluster


def test_the_real_server_files_of_a_cluster_are_found_and_unchanged(cluster: Cluster) -> None:
    """Without injected files the server binary and $libdir/plpgsql.so are checked."""
    defaults = replace(cluster, server_files=None)
    assert defaults.upgraded_files() == [], "nothing was installed since the server started"


def test_a_replaced_server_file_is_detected_and_up_restarts_the_server(cluster: Cluster) -> None:
    assert cluster.server_files is not None
    library = cluster.server_files[1]
    messages: list[str] = []
    stack = Stack(SETTINGS, say=messages.append)
    assert cluster.upgraded_files() == [], "the copies predate the server"
    assert stack.restart_if_upgraded(cluster) is False
    assert messages == [], "an unchanged server is left alone"
    before = start_time(cluster)

    time.sleep(0.01)
    # What dpkg does: write the new file beside the old and rename it into place, keeping
    # the package's (old) mtime; only the inode change time says it is new.
    stat = library.stat()
    fresh = library.with_name(library.name + ".dpkg-new")
    shutil.copyfile(library, fresh)
    fresh.replace(library)
    os.utime(library, (stat.st_atime, stat.st_mtime))
    assert library.stat().st_mtime == stat.st_mtime, "the mtime is the package's"
    assert cluster.upgraded_files() == [library]

    assert stack.restart_if_upgraded(cluster) is True
    assert any("plpgsql.so changed after the server started" in m for m in messages), messages
    assert start_time(cluster) > before, "the server was restarted"
    assert cluster.upgraded_files() == [], "after the restart nothing is newer than the server"
