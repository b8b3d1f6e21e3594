from __future__ import annotations

from django.apps import AppConfig


class TicksConfig(AppConfig):
    name = "ticks"

    def ready(self) -> None:
        from ticks import signals  # noqa: F401  (connects the post_save receiver)
