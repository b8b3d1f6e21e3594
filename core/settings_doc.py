"""docs/settings.md, written from the settings' declarations (``inv docs.settings``)."""

from __future__ import annotations

from pathlib import Path

from core.fields import Declared, declared, type_name
from core.paths import PROJECT_ROOT
from core.settings import Settings

#: Where the generated table lives; a test fails when it is stale.
SETTINGS_DOC = PROJECT_ROOT / "docs" / "settings.md"

_HEADER = """\
# Settings

<!-- Generated from core/settings.py by `inv docs.settings`; do not edit by hand. -->

Every setting comes from an environment variable and is optional: the defaults run
everything on 127.0.0.1 with an embedded PostgreSQL cluster under `var/`. An empty
variable counts as unset. A wrong value stops `inv up`, the tasks and the gateway with
a message naming the variable and what it must be.

Each setting is declared once, as a field of `Settings` in `core/settings.py`:

```python
pg_port: int = setting(15432, "PLATFORM_PG_PORT", "Port of the embedded PostgreSQL", PORT)
```

The field's type says how the variable is read, the last argument is the rule its value
must follow (`POSITIVE`, `NOT_NEGATIVE`, `FRACTION`, `PORT`, `between(...)`,
`choice(...)`, in `core/fields.py`). `Settings.from_env()` reads the variables and this
page is generated from the same declarations.

| Variable | Type | Default | Rule | What it is |
|---|---|---|---|---|
"""


def render() -> str:
    """The whole markdown page."""
    return _HEADER + "".join(_row(item) for item in declared(Settings))


def write(path: Path = SETTINGS_DOC) -> bool:
    """Write the page to ``path``; True when it changed."""
    text = render()
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True


def _row(item: Declared) -> str:
    decl = item.declaration
    if decl.shown_default is not None:
        default = decl.shown_default
    elif item.default is None:
        default = "unset"
    elif isinstance(item.default, bool):
        default = "on" if item.default else "off"
    else:
        default = f"`{item.default}`"
    rule = decl.rule.text if decl.rule is not None else ""
    cells = [f"`{decl.env}`", type_name(item.kind), default, rule, decl.doc]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |\n"
