"""The front door as ``inv up`` / ``inv down`` / ``inv status`` see it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from core.settings import Settings
from ops.frontdoor import access, certs
from ops.frontdoor.config import FrontdoorConfig
from ops.frontdoor.process import Nginx

logger = logging.getLogger(__name__)

Say = Callable[[str], None]


@dataclass(frozen=True)
class Frontdoor:
    """nginx for one `Settings` (one data folder)."""

    settings: Settings

    def config(self) -> FrontdoorConfig:
        return FrontdoorConfig.from_settings(self.settings)

    def nginx(self, config: FrontdoorConfig | None = None) -> Nginx:
        s = self.settings
        return Nginx(
            config=self.config() if config is None else config,
            pidfile=s.run_dir / "frontdoor.pid",
            logfile=s.log_dir / "frontdoor.log",
        )

    def certificates(self) -> certs.Certificates:
        """The operator's certificate, or the local CA's (made or renewed as needed)."""
        s = self.settings
        mine = certs.own(s.tls_cert, s.tls_key)
        if mine is not None:
            return mine
        return certs.ensure_local(s.tls_dir, [s.frontdoor_host])

    def up(self, say: Say) -> certs.Certificates:
        """Certificates, config and the workers' access; start or reload nginx."""
        s = self.settings
        tls = self.certificates()
        if tls.action in ("created", "renewed"):
            say(f"front door: {tls.action} the local CA's certificate ({tls.cert})")
        config = self.config()
        changed = config.write()
        nginx = self.nginx(config)
        for line in access.prepare(config):
            say(f"front door: granted {config.worker_user} the right to {line}")
        if nginx.is_running():
            if changed or tls.action != "reused":
                nginx.reload()
                say(f"front door: reloaded the new config ({config.conf_path})")
            else:
                say(f"front door: running on {s.frontdoor_url}")
        else:
            nginx.start()
            say(f"front door: started on {s.frontdoor_url} (HTTP {s.frontdoor_http_port} "
                "redirects)")  # fmt: skip
        return tls

    def down(self) -> bool:
        return self.nginx().stop()
