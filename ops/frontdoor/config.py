"""The front door's nginx configuration: `FrontdoorConfig`, rendered from templates.

The configuration is the files of ``templates/`` (``nginx.conf.template`` and the
snippets it includes), each rendered by `render` with ``{{ name }}`` replaced by a value
of `FrontdoorConfig.values`. Every value is checked to be one nginx reads as a single
token, so a path or an origin cannot end a directive or open a block.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import string
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import OpsError
from core.urls import url_host
from ops.frontdoor.certs import local_paths

if TYPE_CHECKING:
    from core.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"
#: Largest body of the sign-in functions and of the static app (bytes).
SMALL_BODY = 16 * 1024
#: The files written into the front door's folder, in the order nginx reads them.
FILES = ("nginx.conf", "headers.conf", "errors.conf", "proxy.conf")

#: What a rendered value may hold: no space, quote, semicolon, brace, ``$`` or ``#``.
_TOKEN = re.compile(r"[^\s\"';{}$#\\]+")


#: ``{{ name }}``; string.Template needs the other groups, which never match here.
_PLACEHOLDER = r"""
\{\{(?:
  \s*(?P<named>[a-z_][a-z0-9_]*)\s*\}\}
  | (?P<braced>(?!x)x)
  | (?P<escaped>(?!x)x)
  | (?P<invalid>)
)"""


class NginxTemplate(string.Template):
    """``{{ name }}`` placeholders: nginx's own ``$variables`` pass through untouched."""

    delimiter = "{{"
    # string.Template compiles a str pattern when the class is made.
    pattern = _PLACEHOLDER  # type: ignore[assignment]


@dataclass(frozen=True)
class FrontdoorConfig:
    """Everything the front door's configuration depends on."""

    folder: Path  # nginx's prefix: the rendered files, pid, temporary files, cache
    error_log: Path
    access_log: Path
    cert: Path
    key: Path
    web_dir: Path
    storage_dir: Path
    postgrest: str  # host:port of each upstream
    gateway: str
    storage: str
    host: str = "127.0.0.1"
    https_port: int = 8443
    http_port: int = 8080
    #: The workers' OS user when the master runs as root (None: not root, no directive).
    worker_user: str | None = None
    workers: int = 0  # 0: one per core
    worker_connections: int = 4096
    hsts_seconds: int = 31_536_000
    cors_origins: tuple[str, ...] = ()
    rate: int = 20
    burst: int = 100
    auth_rate: int = 10
    auth_burst: int = 5
    websockets_per_address: int = 20
    max_header_bytes: int = 8192
    rest_max_body: int = 1 << 20
    storage_max_body: int = 50 << 20
    cache_seconds: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> FrontdoorConfig:
        s = settings
        cert, key = certificate_paths(s)
        return cls(
            folder=s.frontdoor_dir,
            error_log=s.log_dir / "frontdoor.log",
            access_log=s.log_dir / "frontdoor-access.log",
            cert=cert,
            key=key,
            web_dir=s.web_dir,
            storage_dir=s.storage_dir,
            postgrest=f"{url_host(s.postgrest_host)}:{s.postgrest_port}",
            gateway=f"{url_host(s.gateway_host)}:{s.gateway_port}",
            storage=f"{url_host(s.gateway_host)}:{s.storage_port}",
            host=s.frontdoor_host,
            https_port=s.frontdoor_port,
            http_port=s.frontdoor_http_port,
            worker_user=s.frontdoor_user if os.geteuid() == 0 else None,
            workers=s.frontdoor_workers,
            worker_connections=s.frontdoor_worker_connections,
            hsts_seconds=s.frontdoor_hsts_seconds,
            cors_origins=s.cors_origin_list,
            rate=s.frontdoor_rate,
            burst=s.frontdoor_burst,
            auth_rate=s.frontdoor_auth_rate,
            auth_burst=s.frontdoor_auth_burst,
            websockets_per_address=s.frontdoor_websockets_per_address,
            max_header_bytes=s.frontdoor_max_header_bytes,
            rest_max_body=s.frontdoor_rest_max_body,
            storage_max_body=s.frontdoor_storage_max_body,
            cache_seconds=s.frontdoor_cache_seconds,
        )

    def but(self, **changes: object) -> FrontdoorConfig:
        """A copy with ``changes`` (tests and benchmarks adjust one or two values)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def url(self) -> str:
        return f"https://{url_host(self.host)}:{self.https_port}"

    @property
    def conf_path(self) -> Path:
        return self.folder / "nginx.conf"

    def values(self) -> dict[str, str]:
        """What each ``{{ name }}`` of the templates becomes."""
        listen = url_host(self.host)
        # Room for the URL in the cache key and percent-encoded (up to three times as
        # long) in PostgREST's Content-Location, and for the other headers.
        proxy_buffer = -(-(4 * self.max_header_bytes + 4096) // 4096) * 4096
        values = {
            "user": self._user_directive(),
            "workers": str(self.workers or "auto"),
            "nofile": str(self.worker_connections * 2 + 64),
            "worker_connections": str(self.worker_connections),
            "folder": _token(self.folder),
            "error_log": _token(self.error_log),
            "access_log": _token(self.access_log),
            "cert": _token(self.cert),
            "key": _token(self.key),
            "web_dir": _token(self.web_dir),
            "storage_dir": _token(self.storage_dir),
            "postgrest": _token(self.postgrest),
            "gateway": _token(self.gateway),
            "storage": _token(self.storage),
            "https_listen": f"{listen}:{self.https_port}",
            "http_listen": f"{listen}:{self.http_port}",
            "https_port": str(self.https_port),
            "hsts_seconds": str(self.hsts_seconds),
            "cors_origins": "\n".join(f"        {_token(o)} 1;" for o in self.cors_origins),
            "rate": str(self.rate),
            "burst": str(self.burst),
            "auth_rate": str(self.auth_rate),
            "auth_burst": str(self.auth_burst),
            # Seconds until the auth bucket lets one more call through.
            "auth_retry_after": str(-(-60 // self.auth_rate)),
            "websockets_per_address": str(self.websockets_per_address),
            "max_header_bytes": str(self.max_header_bytes),
            "proxy_buffer": str(proxy_buffer),
            "proxy_busy_buffers": str(2 * proxy_buffer),
            "small_body": str(SMALL_BODY),
            "rest_max_body": str(self.rest_max_body),
            "storage_max_body": str(self.storage_max_body),
            "cache_zone": "rest" if self.cache_seconds > 0 else "off",
            "cache_seconds": str(max(1, self.cache_seconds)),
        }
        return values

    def render(self) -> dict[str, str]:
        """The text of each file of `FILES`."""
        values = self.values()
        files: dict[str, str] = {}
        for name in FILES:
            template = NginxTemplate((TEMPLATES / f"{name}.template").read_text())
            try:
                files[name] = template.substitute(values)
            except KeyError as exc:
                raise OpsError(
                    f"the front door template {name}.template names an unknown value {exc}",
                    "add it to FrontdoorConfig.values (ops/frontdoor/config.py)",
                ) from exc
        return files

    def write(self) -> bool:
        """Write the rendered files into `folder`; True when any of them changed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        changed = False
        for name, text in self.render().items():
            path = self.folder / name
            if path.exists() and path.read_text() == text:
                continue
            tmp = path.with_name(f".{name}.tmp")
            tmp.write_text(text)
            tmp.replace(path)
            changed = True
        return changed

    def _user_directive(self) -> str:
        if self.worker_user is None:
            return "# (not root: the workers run as the user who started nginx)"
        try:
            account = pwd.getpwnam(self.worker_user)
        except KeyError:
            raise OpsError(
                f"there is no OS user {self.worker_user!r} for nginx's workers",
                "set PLATFORM_FRONTDOOR_USER to an unprivileged user (www-data comes with "
                "Debian's nginx: `make bootstrap`)",
            ) from None
        if account.pw_uid == 0:
            raise OpsError(
                "PLATFORM_FRONTDOOR_USER names root: nginx's workers must not run as root",
                "set PLATFORM_FRONTDOOR_USER to an unprivileged user such as www-data",
            )
        group = grp.getgrgid(account.pw_gid).gr_name
        return f"user {_token(self.worker_user)} {_token(group)};"


def certificate_paths(settings: Settings) -> tuple[Path, Path]:
    """The certificate and key nginx is given: the operator's, or the local CA's."""
    if settings.tls_cert is not None and settings.tls_key is not None:
        return settings.tls_cert, settings.tls_key
    return local_paths(settings.tls_dir)


def _token(value: object) -> str:
    """``value`` as one nginx token; refuse what would end a directive or open a block."""
    text = str(value)
    if not _TOKEN.fullmatch(text):
        raise OpsError(
            f"{text!r} cannot go into the front door's nginx configuration "
            "(spaces, quotes, ;, {, }, $, # and backslashes are not allowed)",
            "move the folder (PLATFORM_DATA_DIR, PLATFORM_STORAGE_DIR) or fix the value",
        )
    return text
