"""plpgsql_check over every PL/pgSQL function and trigger function the plan deploys.

The extension is a test tool: it is created in a fresh clone of the test template, never
by the plan. Errors fail the test; a warning fails it unless ``db/plpgsql-check-waivers.toml``
waives it (function signature, message pattern, reason), and a waiver that no longer
matches anything fails it too. docs/testing-sql.md says how to read and waive a finding.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from core.paths import PROJECT_ROOT

WAIVERS_FILE = PROJECT_ROOT / "db" / "plpgsql-check-waivers.toml"

#: Schemas that are not the plan's: the catalogs, the test helpers, Sqitch's registry.
NOT_THE_PLAN = ("pg_catalog", "information_schema", "tests", "sqitch")

#: Every PL/pgSQL function outside NOT_THE_PLAN and outside extensions, once per relation
#: for trigger functions (plpgsql_check needs the relation to type NEW and OLD, and the
#: transition tables of statement triggers). Event trigger functions need no relation.
TARGETS = """
select p.oid::regprocedure::text as signature,
       p.oid::regprocedure as function,
       coalesce(t.tgrelid, 0)::regclass as relation,
       t.tgoldtable as oldtable, t.tgnewtable as newtable,
       p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype as is_trigger
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  join pg_catalog.pg_language l on l.oid = p.prolang
  left join lateral (
    -- One check per relation, with every transition table its triggers declare (a
    -- function serving a statement trigger and a row trigger reads both shapes).
    select tg.tgrelid, max(tg.tgoldtable::text) as tgoldtable,
           max(tg.tgnewtable::text) as tgnewtable
      from pg_catalog.pg_trigger tg
     where tg.tgfoid = p.oid and not tg.tgisinternal
     group by tg.tgrelid
  ) t on p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype
 where l.lanname = 'plpgsql'
   and n.nspname <> all (%(not_the_plan)s)
   and n.nspname not like 'pg\\_%%'
   and not exists (select from pg_catalog.pg_depend d
                    where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                      and d.objid = p.oid and d.deptype = 'e')
 order by 1, 3
"""

CHECK = """
select level, message, coalesce(detail, ''), coalesce(hint, ''), lineno
  from tests.plpgsql_check_function_tb(
         %(function)s, %(relation)s, fatal_errors => false, other_warnings => true,
         extra_warnings => true, performance_warnings => false, security_warnings => true,
         oldtable => %(oldtable)s, newtable => %(newtable)s)
"""

#: A trigger function no trigger uses cannot be checked (NEW and OLD have no type):
#: reported as a warning, so it is either attached, dropped, or waived with a reason.
UNATTACHED = "trigger function attached to no table: not checked"


@dataclass(frozen=True)
class Finding:
    """One plpgsql_check message about one function (on one relation, for triggers)."""

    signature: str
    relation: str
    level: str
    message: str
    detail: str
    hint: str
    lineno: int | None

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def __str__(self) -> str:
        where = f" on {self.relation}" if self.relation != "-" else ""
        line = f" line {self.lineno}" if self.lineno is not None else ""
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.signature}{where}{line}: {self.level}: {self.message}{extra}"


@dataclass(frozen=True)
class Waiver:
    """A warning accepted on purpose: which function, which message (a regex), why."""

    function: str
    message: str
    reason: str

    def covers(self, finding: Finding) -> bool:
        if finding.signature != self.function:
            return False
        return re.search(self.message, finding.message) is not None


def load_waivers(path: Path = WAIVERS_FILE) -> list[Waiver]:
    """The waivers of ``path``; each needs a function, a message pattern and a reason."""
    data = tomllib.loads(path.read_text()) if path.exists() else {}
    waivers = []
    for entry in data.get("waivers", []):
        missing = {"function", "message", "reason"} - {k for k, v in entry.items() if v}
        if missing:
            raise ValueError(f"{path.name}: waiver {entry!r} lacks {sorted(missing)}")
        re.compile(entry["message"])
        waivers.append(Waiver(entry["function"], entry["message"], entry["reason"]))
    return waivers


def check_plan(conn: psycopg.Connection[tuple[object, ...]]) -> tuple[int, list[Finding]]:
    """How many (function, relation) pairs were checked, and what plpgsql_check found."""
    targets = conn.execute(TARGETS, {"not_the_plan": list(NOT_THE_PLAN)}).fetchall()
    findings: list[Finding] = []
    for signature, function, relation, oldtable, newtable, is_trigger in targets:
        if is_trigger and str(relation) == "-":
            findings.append(Finding(str(signature), "-", "unchecked", UNATTACHED, "", "", None))
            continue
        rows = conn.execute(
            CHECK,
            {
                "function": function,
                "relation": relation,
                "oldtable": oldtable,
                "newtable": newtable,
            },
        ).fetchall()
        for level, message, detail, hint, lineno in rows:
            findings.append(
                Finding(
                    signature=str(signature),
                    relation=str(relation),
                    level=str(level),
                    message=str(message),
                    detail=str(detail),
                    hint=str(hint),
                    lineno=lineno if isinstance(lineno, int) else None,
                )
            )
    return len(targets), findings


def judge(findings: list[Finding], waivers: list[Waiver]) -> list[str]:
    """Errors, unwaived warnings and stale waivers, one line each; empty when all is well."""
    problems = [f"error: {f}" for f in findings if f.is_error]
    used: set[Waiver] = set()
    for finding in findings:
        if finding.is_error:
            continue
        covering = [w for w in waivers if w.covers(finding)]
        used.update(covering)
        if not covering:
            problems.append(f"unwaived warning: {finding}")
    stale = [w for w in waivers if w not in used]
    problems += [f"stale waiver (matches nothing): {w.function} /{w.message}/" for w in stale]
    return problems


@pytest.fixture
def checked_db(
    platform_db: psycopg.Connection[tuple[object, ...]],
) -> psycopg.Connection[tuple[object, ...]]:
    """A fresh clone of the template with plpgsql_check created in the ``tests`` schema."""
    platform_db.autocommit = True
    deployed = platform_db.execute(
        "select 1 from pg_catalog.pg_extension where extname = 'plpgsql_check'"
    ).fetchone()
    assert deployed is None, "plpgsql_check is a test tool: the plan must not create it"
    platform_db.execute("create extension plpgsql_check schema tests")
    # plpgsql_check plans every query; the planner pre-evaluates stable functions such as
    # auth.require_user() in `where id = auth.require_user()` to estimate rows, and that
    # raises 401 without claims. Check as a signed-in request would run (a made-up user).
    platform_db.execute(
        "select pg_catalog.set_config('request.jwt.claims', %s, false)",
        ('{"role": "authenticated", "sub": "00000000-0000-4000-8000-000000000000"}',),
    )
    return platform_db


def test_every_plpgsql_function_passes_plpgsql_check(
    checked_db: psycopg.Connection[tuple[object, ...]],
) -> None:
    checked, findings = check_plan(checked_db)
    assert checked > 50, f"only {checked} functions found: is the target query still right?"
    problems = judge(findings, load_waivers())
    assert not problems, "plpgsql_check:\n" + "\n".join(problems)


def test_the_check_finds_a_broken_function_and_trigger(
    checked_db: psycopg.Connection[tuple[object, ...]],
) -> None:
    checked_db.execute("create schema broken")
    checked_db.execute("create table broken.t (id int)")
    checked_db.execute(
        "create function broken.f() returns int language plpgsql as"
        " $$ begin return (select missing_column from broken.t); end $$"
    )
    checked_db.execute(
        "create function broken.tg() returns trigger language plpgsql as"
        " $$ begin new.no_such_field := 1; return new; end $$"
    )
    checked_db.execute(
        "create trigger t_tg before insert on broken.t for each row execute function broken.tg()"
    )
    checked_db.execute(
        "create function broken.g(a int) returns int language plpgsql as"
        " $$ declare unused int; begin return 1; end $$"
    )
    _, findings = check_plan(checked_db)
    mine = [f for f in findings if f.signature.startswith("broken.")]
    errors = {f.signature for f in mine if f.is_error}
    assert errors == {"broken.f()", "broken.tg()"}, [str(f) for f in mine]
    assert any(f.signature == "broken.tg()" and f.relation == "broken.t" for f in mine)
    warning = next(f for f in mine if f.signature == "broken.g(integer)" and "unused" in f.message)
    assert judge([warning], []) == [f"unwaived warning: {warning}"]


def test_a_waiver_covers_only_its_function_and_message_and_goes_stale() -> None:
    finding = Finding("s.f(integer)", "-", "warning extra", 'unused variable "x"', "", "", 3)
    waiver = Waiver("s.f(integer)", r"^unused variable", "kept for the next change")
    other = Waiver("s.g()", r"unused variable", "another function")
    assert judge([finding], [waiver]) == []
    assert judge([finding], [other]) == [
        f"unwaived warning: {finding}",
        "stale waiver (matches nothing): s.g() /unused variable/",
    ]
    error = Finding("s.f(integer)", "-", "error", 'unused variable "x"', "", "", 3)
    assert judge([error], [waiver])[0].startswith("error: ")


def test_the_waiver_file_is_well_formed(tmp_path: Path) -> None:
    load_waivers()  # raises on a waiver without function, message or reason
    bad = tmp_path / "waivers.toml"
    bad.write_text('[[waivers]]\nfunction = "s.f()"\nmessage = "x"\n')
    with pytest.raises(ValueError, match="reason"):
        load_waivers(bad)
