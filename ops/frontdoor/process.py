"""The front door's nginx master: checked, started, reloaded and stopped by the platform.

Debian's nginx package brings the binary; its service and ``/etc/nginx/nginx.conf`` are
never used. Our master runs in the foreground of a detached session (``daemon off``)
with everything under its prefix (``-p``), its own config (``-c``) and a log for what
it says before reading the config (``-e``), so ``BackgroundProcess`` keeps its pid.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from core.errors import OpsError
from ops.frontdoor.config import FrontdoorConfig
from ops.net import ensure_port_free, port_in_use
from ops.processes import BackgroundProcess, wait_until

logger = logging.getLogger(__name__)

NGINX = Path("/usr/sbin/nginx")


@dataclass(frozen=True)
class Nginx:
    """An nginx master serving ``config`` (whose files `FrontdoorConfig.write` wrote)."""

    config: FrontdoorConfig
    pidfile: Path
    logfile: Path
    binary: Path = NGINX

    @property
    def argv(self) -> tuple[str, ...]:
        c = self.config
        return (str(self.binary), "-p", f"{c.folder}/", "-c", str(c.conf_path),
                "-e", str(c.error_log))  # fmt: skip

    @property
    def process(self) -> BackgroundProcess:
        return BackgroundProcess(
            name="nginx (front door)",
            argv=self.argv,
            pidfile=self.pidfile,
            logfile=self.logfile,
            marker=str(self.config.conf_path),
        )

    def is_running(self) -> bool:
        return self.process.is_running()

    def is_ready(self) -> bool:
        """True when the HTTPS port accepts connections."""
        return port_in_use(self.config.host, self.config.https_port)

    def check(self) -> None:
        """``nginx -t``: raise `OpsError` with nginx's own words when the config is wrong."""
        self._require_binary()
        c = self.config
        for folder in (c.folder / "temp", c.error_log.parent, c.access_log.parent):
            folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [*self.argv, "-t", "-q"], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise OpsError(
                f"nginx refuses the front door's config {c.conf_path}:\n"
                + (result.stderr or result.stdout).strip(),
                "fix the setting it names (docs/settings.md), then `inv up` again",
            )

    def start(self, timeout: float = 10.0) -> bool:
        """Check the config and start unless running; wait for the HTTPS port. True if
        it was started now."""
        if self.is_running():
            return False
        self.check()
        c = self.config
        ensure_port_free(c.host, c.https_port, "the front door", "PLATFORM_FRONTDOOR_PORT")
        ensure_port_free(c.host, c.http_port, "the front door's HTTP redirect",
                         "PLATFORM_FRONTDOOR_HTTP_PORT")  # fmt: skip
        process = self.process
        process.start()
        ready = wait_until(lambda: self.is_ready() or process.exited_early(), timeout, 0.05)
        if ready and not process.exited_early():
            return True
        process.stop()
        raise OpsError(
            f"nginx (front door) did not start; last lines of {c.error_log}:\n"
            + _tail(c.error_log),
            "read the error above; `inv status` shows what holds the ports",
        )

    def reload(self) -> bool:
        """Check the config, then SIGHUP: new workers take it, open connections finish."""
        pid = self.process.pid()
        if pid is None:
            return False
        self.check()
        os.kill(pid, signal.SIGHUP)
        return True

    def stop(self, timeout: float = 10.0) -> bool:
        return self.process.stop(timeout)

    def _require_binary(self) -> None:
        if not self.binary.exists():
            raise OpsError(
                f"nginx is not installed at {self.binary}",
                "run `make bootstrap` (it installs Debian's nginx package)",
            )


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
