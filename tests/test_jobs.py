"""Scheduled jobs end to end: the real gateway runs them, operators list and run them.

Each test gets its own clone of the deployed template, schedules real SQL jobs in it,
and drives the real gateway process or the real ``inv`` command against it.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import psycopg
import pytest

from ops.database import jobs_url
from ops.net import free_port
from tests.fix_cluster import SECRETS, SERVER
from tests.gateway_process import gateway
from tests.test_ops_tasks import inv

Conn = psycopg.Connection[tuple[object, ...]]

JOBS = """
delete from platform.jobs; -- the modules' own jobs are not this test's business
create table public.ticks (id bigint generated always as identity, at timestamptz not null
                           default clock_timestamp());
create function public.record_tick() returns void language sql
  as $$ insert into public.ticks default values $$;
create function public.catch_fire() returns void language plpgsql
  as $$ begin raise exception 'the widget is on fire'; end $$;
select platform.schedule_job('tests.tick', '1 second', 'public.record_tick()');
select platform.schedule_job('tests.fire', '1 hour', 'public.catch_fire()');
"""


@pytest.fixture
def jobs_db(platform_db: Conn) -> str:
    """The name of a fresh clone with a 1-second job and a failing hourly job, both due."""
    platform_db.execute(JOBS)
    platform_db.commit()
    return platform_db.info.dbname


def job_state(db_name: str, name: str) -> tuple[object, ...]:
    with psycopg.connect(SERVER.url(db_name), autocommit=True) as conn:
        row = conn.execute(
            "select last_status, last_error, run_count, failure_count, next_run_at > now()"
            " from platform.jobs where name = %s",
            (name,),
        ).fetchone()
    assert row is not None, f"job {name} is not scheduled"
    return row


def ticks(db_name: str) -> int:
    with psycopg.connect(SERVER.url(db_name), autocommit=True) as conn:
        row = conn.execute("select count(*) from public.ticks").fetchone()
    assert row is not None
    return int(str(row[0]))


def test_the_gateway_runs_due_jobs_every_tick(jobs_db: str, tmp_path: Path) -> None:
    log = tmp_path / "gateway.log"
    with gateway(jobs_db, {"PLATFORM_SCHEDULER_TICK": "1"}, log) as gw:
        deadline = time.monotonic() + 10
        while ticks(jobs_db) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ticks(jobs_db) >= 2, "a 1-second job runs again on a later tick"
        scheduler = httpx.get(gw.url + "/healthz", timeout=5).json()["scheduler"]
        assert scheduler["enabled"] is True
        assert scheduler["last_tick_ok"] is True
        assert scheduler["last_tick_at"] is not None

    status, error, runs, failures, _ = job_state(jobs_db, "tests.tick")
    # (its next run may already be due again: it runs every second)
    assert (status, error, failures) == ("ok", None, 0)
    assert isinstance(runs, int)
    assert runs >= 2

    status, error, runs, failures, later = job_state(jobs_db, "tests.fire")
    assert (status, runs, failures, later) == ("failed", 1, 1, True), "tried once, then waits"
    assert error == "the widget is on fire (SQLSTATE P0001)"
    output = log.read_text()
    assert "WARNING gateway.scheduler: job tests.fire: failed" in output
    assert "the widget is on fire" in output
    assert "INFO gateway.scheduler: job tests.tick: ok" in output


def test_a_job_another_runner_holds_is_skipped_not_waited_for(jobs_db: str) -> None:
    with psycopg.connect(SERVER.url(jobs_db)) as first:
        ran = first.execute("select name from platform.run_due_jobs() order by name").fetchall()
        assert ran == [("tests.fire",), ("tests.tick",)]
        # `first` has not committed: its jobs stay locked. A second runner (the role the
        # gateway uses) neither waits for them nor runs them again.
        with psycopg.connect(jobs_url(SERVER.url(jobs_db), SECRETS), autocommit=True) as second:
            second.execute("set statement_timeout = '2s'")
            assert second.execute("select * from platform.run_due_jobs()").fetchall() == []
        first.commit()
    assert job_state(jobs_db, "tests.tick")[2] == 1, "the job ran exactly once"


def test_operators_list_and_run_jobs(jobs_db: str) -> None:
    listed = inv("jobs.list", db_name=jobs_db)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["job", "every", "enabled", "next", "run", "last", "status",
                                "last", "error"]  # fmt: skip
    assert lines[1].split() == ["tests.fire", "1h", "yes", "due", "never", "ran"]
    assert lines[2].split() == ["tests.tick", "1s", "yes", "due", "never", "ran"]

    ran = inv("jobs.run", db_name=jobs_db)
    assert ran.returncode == 1, "a failed job makes jobs.run fail"
    assert "tests.tick  ok" in ran.stdout
    assert "the widget is on fire (SQLSTATE P0001)" in ran.stdout
    assert "1 of 2 jobs failed: tests.fire" in ran.stderr
    assert "next:" in ran.stderr

    listed = inv("jobs.list", db_name=jobs_db)
    fire = next(line for line in listed.stdout.splitlines() if line.startswith("tests.fire"))
    assert fire.split()[2:4] == ["yes", "in"], "a failed job waits its period (about 1h)"
    assert "failed" in fire
    assert "the widget is on fire" in fire

    # Free ports, so that the probes of `inv status` never reach a running dev stack.
    names = (
        "PLATFORM_POSTGREST_PORT",
        "PLATFORM_POSTGREST_ADMIN_PORT",
        "PLATFORM_GATEWAY_PORT",
        "PLATFORM_STORAGE_PORT",
    )
    ports = {name: str(free_port()) for name in names}
    status = inv("status", db_name=jobs_db, extra_env=ports)
    assert status.returncode == 0, status.stderr
    jobs_section = status.stdout.split("Scheduled jobs")[1]
    assert "tests.fire" in jobs_section
    assert "tests.tick" in jobs_section
