"""How a setting is declared: one line gives its name, type, default, variable, text and rule.

A setting is a field of the frozen `core.settings.Settings` dataclass whose default is
``setting(default, "PLATFORM_X", "what it is", RULE)``. The field's annotation is its
type; `read_env` parses the variable by that type, `check` applies the rule, and
`core.settings_doc` renders the same declarations as docs/settings.md.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from core.errors import SettingsError

T = TypeVar("T")

_KEY = "platform_setting"


@dataclass(frozen=True)
class Rule:
    """What a value must be: in words (``it must be <text>``) and as a test."""

    text: str
    test: Callable[[Any], bool]


POSITIVE = Rule("a positive number", lambda v: 0 < v < math.inf)
NOT_NEGATIVE = Rule("zero or more", lambda v: 0 <= v < math.inf)
FRACTION = Rule("a fraction between 0 and 1 (e.g. 0.8 for 80 %)", lambda v: 0 <= v <= 1)
PORT = Rule("a TCP port (1 to 65535)", lambda v: 0 < v < 65536)


def between(low: float, high: float, *, high_included: bool = True) -> Rule:
    """From ``low`` to ``high`` (both included unless ``high_included`` is False)."""
    if high_included:
        return Rule(f"from {low} to {high}", lambda v: low <= v <= high)
    return Rule(f"at least {low} and below {high}", lambda v: low <= v < high)


def choice(*options: str) -> Rule:
    """One of ``options``."""
    return Rule(f"one of {', '.join(options)}", lambda v: v in options)


@dataclass(frozen=True)
class Declaration:
    """The environment side of a setting."""

    env: str
    doc: str
    rule: Rule | None
    #: What to do about a wrong value (default: "fix or unset <env>").
    hint: str
    #: The value is never shown (in messages, repr or docs).
    secret: bool
    #: How the docs show the default, when ``repr`` of it is not right (a path, say).
    shown_default: str | None


def setting(
    default: T,
    env: str,
    doc: str,
    rule: Rule | None = None,
    *,
    hint: str = "",
    secret: bool = False,
    shown_default: str | None = None,
) -> T:
    """Declare a setting: the default of a `Settings` field, with its variable and rule."""
    declaration = Declaration(env, doc, rule, hint, secret, shown_default)
    return dataclasses.field(default=default, repr=not secret, metadata={_KEY: declaration})


@dataclass(frozen=True)
class Declared:
    """One declared setting of a settings class."""

    name: str
    kind: object  # the field's type: int, float, bool, str, str | None, Path
    default: object
    declaration: Declaration


def declared(cls: type) -> Iterator[Declared]:
    """The declared settings of the dataclass ``cls``, in declaration order."""
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        declaration = f.metadata.get(_KEY)
        if isinstance(declaration, Declaration):
            yield Declared(f.name, hints[f.name], f.default, declaration)


def read_env(cls: type, env: Mapping[str, str]) -> dict[str, Any]:
    """The values of ``env`` for the declared settings of ``cls`` that it sets.

    An empty variable counts as unset (its setting keeps the default).
    """
    values: dict[str, Any] = {}
    for item in declared(cls):
        raw = env.get(item.declaration.env, "")
        if raw.strip():
            values[item.name] = _parse(item.kind, item.declaration.env, raw)
    return values


def check(settings: object) -> None:
    """Raise `SettingsError` naming the variable of the first value that breaks its rule."""
    for item in declared(type(settings)):
        decl = item.declaration
        value = getattr(settings, item.name)
        if decl.rule is None or value is None or decl.rule.test(value):
            continue
        problem = (
            f"{decl.env} must be {decl.rule.text}"
            if decl.secret
            else f"{decl.env} is {value!r}; it must be {decl.rule.text}"
        )
        raise SettingsError(problem, decl.hint or f"fix or unset {decl.env}")


_TYPE_NAMES: dict[object, str] = {
    int: "integer",
    float: "number",
    bool: "on/off",
    str: "text",
    str | None: "text",
    Path: "path",
    Path | None: "path",
}


def type_name(kind: object) -> str:
    """How the docs name a setting's type."""
    return _TYPE_NAMES.get(kind, str(kind))


def _parse(kind: object, env: str, raw: str) -> object:
    if kind in (str, str | None):
        return raw
    if kind in (Path, Path | None):
        return Path(raw).resolve()
    if kind is bool:
        value = raw.strip().lower()
        if value in ("1", "on", "true", "yes"):
            return True
        if value in ("0", "off", "false", "no"):
            return False
        raise SettingsError(f"{env} must be on or off, got {raw!r}", f"fix or unset {env}")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(
                f"{env} must be an integer, got {raw!r}", f"fix or unset {env}"
            ) from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise SettingsError(
                f"{env} must be a number, got {raw!r}", f"fix or unset {env}"
            ) from None
    raise TypeError(f"settings of type {kind} cannot be read from the environment ({env})")
