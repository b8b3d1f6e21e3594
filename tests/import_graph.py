"""The project's import graph, read from the source (every import, function-local too).

`tests/test_code_quality.py` checks the layers against it: ``core`` imports no other
project package, ``ops`` never imports ``gateway``, and no import cycle exists.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

#: The project's packages, lowest layer first.
PACKAGES = ("core", "ops", "gateway", "bench", "tests")

#: package -> project packages it must never import.
FORBIDDEN: dict[str, frozenset[str]] = {
    "core": frozenset({"ops", "gateway", "bench", "tests"}),
    "ops": frozenset({"gateway", "bench", "tests"}),
    "gateway": frozenset({"bench", "tests"}),
}

Graph = dict[str, set[str]]


def modules(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file of ``packages`` under ``root``."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def import_graph(root: Path, packages: Iterable[str] = PACKAGES) -> Graph:
    """Module -> the project modules it imports anywhere in its file."""
    files = modules(root, packages)
    return {name: set(_imports(name, path, files)) - {name} for name, path in files.items()}


def _imports(name: str, path: Path, files: dict[str, Path]) -> Iterator[str]:
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            # ``from pkg import mod`` imports the module pkg.mod; ``from mod import x``, mod.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base
                for alias in node.names
            ]
        for target in targets:
            while target not in files and "." in target:
                target = target.rpartition(".")[0]
            if target in files:
                yield target


def layer_violations(graph: Graph) -> list[str]:
    """``a -> b`` for every import that crosses a layer the wrong way."""
    return [
        f"{module} -> {target}"
        for module, targets in sorted(graph.items())
        for target in sorted(targets)
        if target.split(".")[0] in FORBIDDEN.get(module.split(".")[0], frozenset())
    ]


def cycles(graph: Graph) -> list[list[str]]:
    """The groups of modules that import each other (strongly connected, more than one)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found
