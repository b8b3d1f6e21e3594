"""Each setting is declared once; the object, its checks and docs/settings.md come from it."""

from __future__ import annotations

import dataclasses

import pytest

from core import settings_doc
from core.errors import SettingsError
from core.fields import declared
from core.settings import Settings


def test_docs_settings_md_is_generated_from_the_declarations() -> None:
    assert settings_doc.SETTINGS_DOC.read_text() == settings_doc.render(), (
        "docs/settings.md is stale: run `inv docs.settings` and commit it"
    )


def test_every_setting_but_the_project_root_is_declared_with_its_own_variable() -> None:
    names = {f.name for f in dataclasses.fields(Settings)}
    items = list(declared(Settings))
    assert names - {item.name for item in items} == {"project_root"}
    variables = [item.declaration.env for item in items]
    assert len(variables) == len(set(variables)), "one variable per setting"
    for item in items:
        assert item.declaration.doc, f"{item.declaration.env} has a description"
        assert item.declaration.env in settings_doc.render(), f"{item.declaration.env} documented"


def test_from_env_reads_each_type_and_treats_empty_as_unset() -> None:
    settings = Settings.from_env(
        {
            "PLATFORM_PG_PORT": "25432",
            "PLATFORM_MONITOR_MIN_CACHE_HIT": "0.5",
            "PLATFORM_BACKUP_ARCHIVE": "off",
            "PLATFORM_DB_NAME": "other",
            "PLATFORM_DATA_DIR": "relative/data",
            "PLATFORM_PG_HOST": "",
        }
    )
    assert settings.pg_port == 25432
    assert settings.monitor_min_cache_hit == 0.5
    assert settings.backup_archive is False
    assert settings.db_name == "other"
    assert settings.data_dir.is_absolute()
    assert settings.data_dir.name == "data"
    assert settings.pg_host == "127.0.0.1", "an empty variable keeps the default"
    assert Settings.from_env({}) == Settings(), "the declared defaults are the defaults"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("PLATFORM_PG_PORT", "70000", "a TCP port"),
        ("PLATFORM_GATEWAY_PORT", "0", "a TCP port"),
        ("PLATFORM_PG_PORT", "x", "an integer"),
        ("PLATFORM_SCHEDULER_TICK", "-1", "zero or more"),
        ("PLATFORM_REALTIME_PING", "0", "a positive number"),
        ("PLATFORM_MONITOR_MIN_CACHE_HIT", "1.5", "a fraction"),
        ("PLATFORM_BACKUP_ARCHIVE", "maybe", "on or off"),
        ("PLATFORM_GATEWAY_EVENT_LOOP", "trio", "one of uvloop, asyncio"),
        ("DATABASE_URL", "mysql://u:p@h/db", "a URL like postgresql://"),
    ],
)
def test_a_wrong_value_names_its_variable_and_the_rule(
    variable: str, value: str, says: str
) -> None:
    with pytest.raises(SettingsError, match=variable) as caught:
        Settings.from_env({variable: value})
    assert says in caught.value.message


def test_a_wrong_secret_is_never_echoed() -> None:
    secret = "short-but-secret"
    with pytest.raises(SettingsError, match="PLATFORM_JWT_SECRET") as caught:
        Settings.from_env({"PLATFORM_JWT_SECRET": secret})
    assert secret not in str(caught.value)
    url = "mysql://user:hunter2hunter2@host/db"
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DATABASE_URL": url})
    assert "hunter2" not in str(caught.value)
    assert "hunter2" not in repr(Settings(database_url="postgresql://u:hunter2@h/db"))


def test_cors_origins_are_origins_split_and_lower_cased() -> None:
    settings = Settings.from_env(
        {"PLATFORM_CORS_ORIGINS": " https://App.example:8443 , http://127.0.0.1:8443,"}
    )
    assert settings.cors_origin_list == ("https://app.example:8443", "http://127.0.0.1:8443")
    assert settings.session_origins == (
        "https://127.0.0.1:8443",
        "https://app.example:8443",
        "http://127.0.0.1:8443",
    ), "the front door's own origin first, then the listed ones"
    assert Settings.from_env({}).session_origins == ("https://127.0.0.1:8443",)
    for bad in ("https://app.example/", "app.example", "https://a.example, ftp://b.example"):
        with pytest.raises(SettingsError, match="PLATFORM_CORS_ORIGINS"):
            Settings.from_env({"PLATFORM_CORS_ORIGINS": bad})
