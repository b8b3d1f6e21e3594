"""Where the project lives on disk."""

from __future__ import annotations

from pathlib import Path

#: The checkout's root folder (the one holding pyproject.toml).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
