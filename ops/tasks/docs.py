"""Generated documentation: ``inv docs.settings``."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from core import settings_doc
from ops.tasks._common import reports_errors, say


@task(name="settings")
@reports_errors
def settings_table(c: Context) -> None:
    """Write docs/settings.md from the settings' declarations (core/settings.py)."""
    changed = settings_doc.write()
    path = settings_doc.SETTINGS_DOC
    say(f"{path}: {'written' if changed else 'up to date'}")
