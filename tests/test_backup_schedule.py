"""The gateway's backup schedule: a due backup is taken, and ``/metrics`` shows its age."""

from __future__ import annotations

import shutil
import time

import httpx
import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.errors import SettingsError
from core.settings import Settings
from ops.backups.manifest import Store
from tests.fix_cluster import SETTINGS
from tests.gateway_process import gateway

Conn = psycopg.Connection[tuple[object, ...]]
AGE = "backup_last_good_age_seconds"


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    found: dict[tuple[tuple[str, str], ...], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_the_gateway_takes_a_due_backup_and_reports_its_age(platform_db: Conn) -> None:
    dbname = platform_db.info.dbname
    store = Store(SETTINGS.backups_dir)
    try:
        with gateway(dbname) as gw:
            text = httpx.get(gw.url + "/metrics", timeout=5).text
            assert (("kind", "logical"),) not in samples(text, AGE), "no backup yet: no age"

        with gateway(dbname, {"PLATFORM_BACKUP_LOGICAL_HOURS": "24"}) as gw:
            deadline = time.monotonic() + 120
            runs: dict[tuple[tuple[str, str], ...], float] = {}
            while not runs and time.monotonic() < deadline:
                text = httpx.get(gw.url + "/metrics", timeout=5).text
                runs = samples(text, "backup_scheduled_runs_total")
                time.sleep(0.5)
            assert runs == {(("kind", "logical"), ("outcome", "good")): 1.0}, "one run, good"
            age = samples(text, AGE).get((("kind", "logical"),))
            assert age is not None, "the schedule took and verified a backup"
            assert 0 <= age < 120
        latest = store.latest("logical", database=dbname)
        assert latest is not None
        assert latest.good
    finally:
        for manifest in store.all():
            if manifest.database == dbname:
                shutil.rmtree(store.folder(manifest), ignore_errors=True)


def test_backup_settings_are_checked() -> None:
    assert Settings.from_env({}).backup_logical_hours == 0, "off unless configured"
    assert Settings.from_env({"PLATFORM_BACKUP_ARCHIVE": "off"}).backup_archive is False
    for variable, value in (
        ("PLATFORM_BACKUP_LOGICAL_HOURS", "-1"),
        ("PLATFORM_BACKUP_KEEP_DAYS", "0"),
        ("PLATFORM_BACKUP_ARCHIVE", "maybe"),
        ("PLATFORM_BACKUP_COMPRESS", "10"),
        ("PLATFORM_BACKUP_COMPRESS", "-1"),
    ):
        with pytest.raises(SettingsError, match=variable):
            Settings.from_env({variable: value})
