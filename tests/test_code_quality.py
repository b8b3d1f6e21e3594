"""The code stays clean: ruff (lint and format), mypy --strict, and layers that import one way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.paths import PROJECT_ROOT
from tests.import_graph import cycles, import_graph, layer_violations

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


def test_layers_import_one_way() -> None:
    graph = import_graph(PROJECT_ROOT)
    assert {"core.settings", "ops.cluster", "gateway.server"} <= graph.keys(), "modules found"
    assert "core.settings" in graph["ops.stack"], "imports are read"
    assert layer_violations(graph) == [], (
        "core imports no other project package, ops never imports gateway, "
        "nothing imports bench or tests (docs/decisions/0011-core-package.md)"
    )


def test_no_import_cycle() -> None:
    assert cycles(import_graph(PROJECT_ROOT)) == [], "project modules import each other"


def test_the_checks_find_a_hidden_cycle_and_a_layer_crossed(tmp_path: Path) -> None:
    """A function-local import counts: it is how cycles and wrong layers hide."""
    (tmp_path / "core").mkdir()
    (tmp_path / "ops").mkdir()
    (tmp_path / "gateway").mkdir()
    for package in ("core", "ops", "gateway"):
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "core" / "a.py").write_text("from ops import b\n")
    (tmp_path / "ops" / "b.py").write_text("def f() -> None:\n    from . import c\n")
    (tmp_path / "ops" / "c.py").write_text("import ops.b\nfrom gateway.d import x\n")
    (tmp_path / "gateway" / "d.py").write_text("x = 1\n")
    graph = import_graph(tmp_path, ("core", "ops", "gateway"))
    assert cycles(graph) == [["ops.b", "ops.c"]]
    assert layer_violations(graph) == ["core.a -> ops.b", "ops.c -> gateway.d"]
