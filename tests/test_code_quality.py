"""The code stays clean: ruff (lint and format) and mypy --strict, as CI runs them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.paths import PROJECT_ROOT

CHECKS = {
    "ruff-lint": [sys.executable, "-m", "ruff", "check", "."],
    "ruff-format": [sys.executable, "-m", "ruff", "format", "--check", "."],
    "mypy-strict": [sys.executable, "-m", "mypy"],
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_code_quality(name: str) -> None:
    result = subprocess.run(
        CHECKS[name], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
