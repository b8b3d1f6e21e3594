"""The module registry drives PostgREST: a schema a module registers in SQL is served
through ``Accept-Profile`` after the deploy's reload, and refused once unregistered.

The real PostgREST 12.0.2 on a fresh clone of the template; the module is registered by
SQL only (``platform.register_module``), as a module's Sqitch change does.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import psycopg
import pytest

from core.errors import OpsError
from ops import database
from ops.module_registry import run_seeds
from ops.seed import SeedOptions
from tests.fix_cluster import SECRETS, SERVER
from tests.fix_postgrest import serving

Conn = psycopg.Connection[tuple[object, ...]]

SETUP = """
create schema demo_reg;
grant usage on schema demo_reg to anon;
create table demo_reg.notes (id bigint primary key, body text not null);
alter table demo_reg.notes enable row level security;
create policy "anyone reads notes" on demo_reg.notes for select to anon using (true);
grant select on demo_reg.notes to anon;
insert into demo_reg.notes values (1, 'served from the registry');
"""


def wait_for(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def notes(client: httpx.Client) -> httpx.Response:
    return client.get("/notes", headers={"Accept-Profile": "demo_reg"})


def test_postgrest_serves_exactly_the_registered_modules_schemas(platform_db: Conn) -> None:
    url = SERVER.url(platform_db.info.dbname)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP)
        row = conn.execute("select platform.exposed_schemas()").fetchone()
    assert row is not None
    exposed: list[str] = row[0]
    # Core's api first, then every registered module in registration order (a new
    # module appends itself: nothing here lists it).
    assert exposed[:3] == ["api", "publishing", "storage"], exposed
    served = ", ".join(exposed)

    with (
        serving(url, "postgrest-registry") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        refused = notes(client)
        assert refused.status_code == 406, refused.text
        assert refused.json()["code"] == "PGRST106", "an unregistered schema is not a profile"
        assert refused.json()["message"].endswith(served), refused.json()

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "select platform.register_module('demo_reg', 'A module registered by SQL only.',"
                " array['demo_reg'])"
            )
        database.configure(url, SECRETS)  # what `inv db.deploy` runs after the plan
        assert wait_for(lambda: notes(client).status_code == 200), notes(client).text
        assert notes(client).json() == [{"id": 1, "body": "served from the registry"}]
        other = client.get("/notes", headers={"Accept-Profile": "nowhere"}).json()
        assert other["message"].endswith(served + ", demo_reg"), "api stays first"

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("select platform.unregister_module('demo_reg')")
        database.configure(url, SECRETS)
        assert wait_for(lambda: notes(client).status_code == 406), notes(client).text
        articles = client.get("/articles?limit=1", headers={"Accept-Profile": "publishing"})
        assert articles.status_code == 200, "the other modules are still served"


def demo_seed(url: str, options: SeedOptions, say: Callable[[str], None]) -> list[str]:
    """A second module's seed entry point (tests.test_module_registry:demo_seed)."""
    with psycopg.connect(url) as conn:
        articles = conn.execute("select count(*) from publishing.articles").fetchone()
    say("demo_seed: called")
    return [f"demo_seed saw {articles[0] if articles else '?'} articles, seed {options.seed}"]


def test_db_seed_runs_every_registered_modules_seed_entry_point(platform_db: Conn) -> None:
    url = SERVER.url(platform_db.info.dbname)
    with psycopg.connect(url, autocommit=True) as conn:
        entries = conn.execute(
            "select name, seed_entry from platform.modules where seed_entry is not null"
        ).fetchall()
        assert entries == [
            ("publishing", "ops.seed:seed_module"),
            ("journal", "ops.seed_journal:seed_module"),
        ], "publishing and the journal declare their seeds"
        conn.execute(
            "select platform.register_module('demo_seed', 'A module with a seed entry point.',"
            " '{}', 'tests.test_module_registry:demo_seed')"
        )
    said: list[str] = []
    options = SeedOptions(articles=30, users=10, entries=50, seed=5)
    lines = list(run_seeds(url, options, said.append))
    assert said[0] == "publishing: seeding (ops.seed:seed_module)", said
    assert "demo_seed: called" in said
    assert lines[-1] == "demo_seed saw 30 articles, seed 5", "modules seed in registration order"
    assert any(line.startswith("articles ") for line in lines), "publishing's summary is printed"


def test_a_seed_entry_point_that_does_not_load_names_its_module(platform_db: Conn) -> None:
    url = SERVER.url(platform_db.info.dbname)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "update platform.modules set seed_entry = null where name in ('publishing', 'journal')"
        )
        conn.execute(
            "select platform.register_module('demo_bad', 'A module with a broken seed.',"
            " '{}', 'ops.no_such_module:seed')"
        )
    with pytest.raises(OpsError, match="module demo_bad declares the seed entry point") as error:
        list(run_seeds(url, SeedOptions(articles=10, users=5), print))
    assert "db/schema/demo_bad/" in error.value.hint
