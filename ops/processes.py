"""Background processes with a pidfile and a logfile (PostgREST, the gateway)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import OpsError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackgroundProcess:
    """A detached process whose pid lives in ``pidfile`` and output in ``logfile``.

    ``marker`` is a string the process's command line (arguments joined by spaces) must
    contain for a pid in the pidfile to count as ours (guards against a recycled pid);
    it defaults to the program's file name.
    """

    name: str
    argv: Sequence[str]
    pidfile: Path
    logfile: Path
    cwd: Path | None = None
    env: Mapping[str, str] | None = field(default=None, repr=False)
    marker: str | None = None

    def pid(self) -> int | None:
        """The pid of the running process, or None (a stale pidfile is removed)."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if _alive(pid) and self._is_ours(pid):
            return pid
        self.pidfile.unlink(missing_ok=True)
        return None

    def is_running(self) -> bool:
        return self.pid() is not None

    def start(self) -> int:
        """Start detached (own session) unless already running; return the pid."""
        running = self.pid()
        if running is not None:
            return running
        self.pidfile.parent.mkdir(parents=True, exist_ok=True)
        self.logfile.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ if self.env is None else self.env)
        with open(self.logfile, "ab") as log, open(os.devnull, "rb") as devnull:
            try:
                proc = subprocess.Popen(
                    list(self.argv),
                    stdin=devnull,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.cwd,
                    env=env,
                    start_new_session=True,
                )
            except OSError as exc:
                raise OpsError(
                    f"cannot start {self.name} ({self.argv[0]}): {exc.strerror}",
                    "run `make bootstrap` to install the missing tools",
                ) from exc
        self.pidfile.write_text(f"{proc.pid}\n")
        logger.info("started %s (pid %d), log %s", self.name, proc.pid, self.logfile)
        return proc.pid

    def stop(self, timeout: float = 10.0) -> bool:
        """SIGTERM, then SIGKILL after ``timeout`` seconds. False if it was not running."""
        pid = self.pid()
        if pid is None:
            return False
        _signal(pid, signal.SIGTERM)
        if not wait_until(lambda: not _alive(pid), timeout):
            logger.warning(
                "%s (pid %d) ignored SIGTERM for %.0fs: SIGKILL", self.name, pid, timeout
            )
            _signal(pid, signal.SIGKILL)
            wait_until(lambda: not _alive(pid), 5.0)
        self.pidfile.unlink(missing_ok=True)
        logger.info("stopped %s (pid %d)", self.name, pid)
        return True

    def exited_early(self) -> bool:
        """True when the pidfile names a pid that is no longer alive (it crashed)."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (FileNotFoundError, ValueError):
            return False
        return not _alive(pid)

    def log_tail(self, lines: int = 20) -> str:
        """The last ``lines`` lines of the logfile, for error messages."""
        try:
            text = self.logfile.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _is_ours(self, pid: int) -> bool:
        marker = self.marker if self.marker is not None else Path(self.argv[0]).name
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            return True  # no procfs: trust the pidfile
        return marker.encode() in cmdline


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (our own exited child not yet reaped) still answers kill(0).
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)  # the whole session we started
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)
