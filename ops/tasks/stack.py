"""Run the platform: ``inv up``, ``inv down``, ``inv status``, ``inv logs``."""

from __future__ import annotations

import shlex

from invoke.context import Context
from invoke.tasks import task

from core.errors import OpsError
from core.settings import Settings
from ops import jobs
from ops.frontdoor.certs import Certificates
from ops.stack import Stack
from ops.tasks._common import print_table, reports_errors, say, settings
from ops.tasks.jobs import print_jobs

LOG_FILES = {
    "frontdoor": "frontdoor.log",
    "postgres": "postgresql.log",
    "postgrest": "postgrest.log",
    "gateway": "gateway.log",
}

EXAMPLE_REGISTER = '{"email":"ada@example.com","password":"correct horse battery","username":"ada"}'


@task
@reports_errors
def up(c: Context) -> None:
    """Start cluster, deploy, PostgREST, gateway, front door (safe to repeat)."""
    s = settings()
    tls = Stack(s, say).up()
    print(_summary(s, tls))


@task
@reports_errors
def down(c: Context) -> None:
    """Stop the front door, the gateway, PostgREST and the embedded cluster."""
    Stack(settings(), say).down()


@task
@reports_errors
def status(c: Context) -> None:
    """Show what runs, where, whether healthy; and DATABASE_URL."""
    s = settings()
    components = Stack(s, say).status()
    rows = [("component", "running", "address", "healthy", "probe")]
    for comp in components:
        rows.append((comp.name, comp.running, comp.address, "yes" if comp.healthy else "no",
                     comp.detail))  # fmt: skip
    print_table(rows)
    if any(comp.name == "postgres" and comp.healthy for comp in components):
        print("\nScheduled jobs (inv jobs.list, inv jobs.run):")
        try:
            print_jobs(jobs.list_jobs(s.superuser_url))
        except OpsError as exc:
            print(f"unavailable: {exc.message}")
    print(f"\nDATABASE_URL={s.superuser_url}")


@task(
    help={
        "follow": "keep printing new lines as they arrive (Ctrl-C to stop)",
        "service": "only this service's log: frontdoor, postgres, postgrest or gateway",
        "lines": "how many lines to show from the end of each log (default 50)",
    }
)
@reports_errors
def logs(c: Context, follow: bool = False, service: str | None = None, lines: int = 50) -> None:
    """Show (or follow) the service logs in var/log."""
    s = settings()
    if service is not None and service not in LOG_FILES:
        raise OpsError(f"no service {service!r}", f"use one of: {', '.join(LOG_FILES)}")
    names = [LOG_FILES[service]] if service else list(LOG_FILES.values())
    files = [str(s.log_dir / name) for name in names if (s.log_dir / name).exists()]
    if not files:
        raise OpsError(f"no logs yet in {s.log_dir}", "run `inv up` first")
    argv = ["tail", "-n", str(lines), *(["-F"] if follow else []), *files]
    c.run(shlex.join(argv), pty=follow)


def _summary(s: Settings, tls: Certificates) -> str:
    door = s.frontdoor_url
    trust = (
        f"  Certificate         {tls.cert} (yours)"
        if tls.ca is None
        else f"  Trust this CA       {tls.ca}   (curl --cacert, httpx verify=)"
    )
    cacert = "" if tls.ca is None else f"--cacert {tls.ca} "
    return "\n".join(
        [
            "",
            f"Platform is up at {door}/",
            "",
            f"  Front door          {door}/   (the one origin for browsers)",
            f"    API               {door}/rest/",
            f"    Realtime          wss://{door.removeprefix('https://')}/realtime",
            f"    Files             {door}/storage/",
            trust,
            "  Direct, loopback only (ops and tests):",
            f"    API (PostgREST)   {s.api_url}/   (OpenAPI description at /)",
            f"    Gateway health    {s.gateway_url}/healthz",
            f"    Realtime          {s.realtime_url}",
            f"    Storage           {s.storage_url}/storage/object/<bucket>/<path>",
            f"    Database          DATABASE_URL={s.superuser_url}",
            "",
            "Try it:",
            f"  curl -s {cacert}{door}/rest/rpc/register -H 'Content-Type: application/json' "
            f"-d '{EXAMPLE_REGISTER}'",
            "",
            "Stop with `inv down` (or `make down`); `inv status` shows what runs.",
        ]
    )
