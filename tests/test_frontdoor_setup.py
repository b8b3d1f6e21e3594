"""Setting the front door up: certificates, the operator's own, the settings it reads, the
values it refuses, and `Frontdoor` as ``inv up``/``inv down``/``inv status`` drive it."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from core.errors import OpsError, SettingsError
from core.settings import Settings
from ops.frontdoor import access, certs
from ops.frontdoor.config import FrontdoorConfig
from ops.frontdoor.service import Frontdoor
from ops.net import free_port
from ops.postgrest import PostgrestConfig
from ops.stack import Stack
from tests.fix_cluster import TEST_DATA_DIR, TEST_PG_PORT
from tests.fix_frontdoor import STORAGE_DIR, Upstreams


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


# --- certificates -------------------------------------------------------------------------


def test_the_local_ca_is_made_once_and_its_certificate_reused(tmp_path: Path) -> None:
    made = certs.ensure_local(tmp_path / "tls")
    assert made.action == "created"
    assert made.ca is not None
    again = certs.ensure_local(tmp_path / "tls")
    assert again.action == "reused"
    assert made.cert.read_bytes() == again.cert.read_bytes()
    assert oct(made.key.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "tls" / "ca.key").stat().st_mode & 0o777) == "0o600"

    cert, ca = load(made.cert), load(made.ca)
    cert.verify_directly_issued_by(ca)
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["localhost"]
    assert set(sans.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    }
    assert cert.not_valid_after_utc - cert.not_valid_before_utc <= dt.timedelta(days=398)
    constraints = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical, "a client that cannot read the constraints must refuse the CA"
    assert x509.DNSName("localhost") in (constraints.value.permitted_subtrees or [])


def test_a_certificate_near_its_end_or_for_other_names_is_renewed(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    first = certs.ensure_local(folder)
    ca_key = serialization.load_pem_private_key((folder / "ca.key").read_bytes(), None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    ending = (
        x509.CertificateBuilder()
        .subject_name(load(first.cert).subject)
        .issuer_name(load(folder / "ca.pem").subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=380))
        .not_valid_after(now + dt.timedelta(days=10))
        .add_extension(
            load(first.cert).extensions.get_extension_for_class(x509.SubjectAlternativeName).value,
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    first.cert.write_bytes(ending.public_bytes(serialization.Encoding.PEM))
    first.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    renewed = certs.ensure_local(folder)
    assert renewed.action == "renewed"
    assert load(renewed.cert).not_valid_after_utc > now + dt.timedelta(days=300)
    assert load(folder / "ca.pem") == load(first.ca or folder / "ca.pem"), "same CA kept"

    other = certs.ensure_local(folder, ["door.example.test"])
    assert other.action == "renewed", "a new name needs a CA allowed to vouch for it"
    names = load(other.cert).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert "door.example.test" in names.value.get_values_for_type(x509.DNSName)


def test_the_operators_own_certificate_is_checked(tmp_path: Path) -> None:
    mine = certs.ensure_local(tmp_path / "mine")
    theirs = certs.ensure_local(tmp_path / "theirs")
    assert certs.own(None, None) is None
    got = certs.own(mine.cert, mine.key)
    assert got is not None
    assert got.ca is None
    with pytest.raises(OpsError, match="go together"):
        certs.own(mine.cert, None)
    with pytest.raises(OpsError, match="does not belong"):
        certs.own(mine.cert, theirs.key)
    with pytest.raises(OpsError, match="cannot read"):
        certs.own(tmp_path / "missing.pem", mine.key)


# --- root and the workers ------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="only root starts workers as another user")
def test_root_lets_the_worker_user_read_a_folder_under_a_private_one(tmp_path: Path) -> None:
    served = tmp_path / "private-parent" / "web"
    served.mkdir(parents=True)
    (served / "index.html").write_text("hello")
    tmp_path.chmod(0o700)
    (served / "secret.txt").write_text("no")
    assert not can_read("www-data", served / "index.html"), "private to begin with"
    granted = access.grant_reading("www-data", served=[served], traversed=[])
    assert any(line.startswith("traverse") for line in granted), granted
    assert can_read("www-data", served / "index.html")
    (served / "later.html").write_text("new files inherit the default ACL")
    assert can_read("www-data", served / "later.html")
    assert not can_read("nobody", served / "index.html"), "granted to www-data only"
    assert access.grant_reading("www-data", served=[served], traversed=[]) == [], "once"


def can_read(user: str, path: Path) -> bool:
    probe = ["runuser", "-u", user, "--", "cat", str(path)]
    return subprocess.run(probe, capture_output=True, check=False, cwd="/").returncode == 0


# --- settings and config ----------------------------------------------------------------


def test_cors_origins_must_be_origins() -> None:
    good = Settings.from_env({"PLATFORM_CORS_ORIGINS": " https://a.example , http://b.test:8080,"})
    assert good.cors_origin_list == ("https://a.example", "http://b.test:8080")
    assert Settings.from_env({}).cors_origin_list == (), "same origin only by default"
    for bad in ("*", "https://a.example/app", "a.example", "https://a.example;x", "ftp://a.b"):
        with pytest.raises(SettingsError, match="PLATFORM_CORS_ORIGINS"):
            Settings.from_env({"PLATFORM_CORS_ORIGINS": bad})


def test_the_config_refuses_values_that_would_break_out_of_a_directive() -> None:
    config = FrontdoorConfig.from_settings(Settings.from_env({}))
    with pytest.raises(OpsError, match="cannot go into"):
        config.but(web_dir=Path("/tmp/a dir; include /etc/passwd")).render()  # noqa: S108
    with pytest.raises(OpsError, match="must not run as root"):
        config.but(worker_user="root").render()
    with pytest.raises(OpsError, match="no OS user"):
        config.but(worker_user="no-such-user-here").render()
    listed = config.but(cors_origins=("https://a.example",)).render()["nginx.conf"]
    assert "        https://a.example 1;" in listed
    assert "{{" not in "".join(config.render().values()), "every placeholder filled"


def test_postgrest_describes_the_api_at_the_front_door() -> None:
    settings = Settings.from_env({"PLATFORM_FRONTDOOR_PORT": "9443"})
    config = PostgrestConfig.from_settings(settings, settings.secrets)
    assert config.items()["openapi-server-proxy-uri"] == "https://127.0.0.1:9443/rest"


# --- the service, as inv up / down / status drive it ---------------------------------------


def test_inv_up_starts_reloads_and_inv_down_stops_the_front_door(upstreams: Upstreams) -> None:
    settings = Settings.from_env(
        {
            **os.environ,
            "PLATFORM_DATA_DIR": str(TEST_DATA_DIR / "frontdoor-service"),
            "PLATFORM_PG_PORT": str(TEST_PG_PORT),
            "PLATFORM_POSTGREST_PORT": str(upstreams.postgrest_port),
            "PLATFORM_GATEWAY_PORT": str(upstreams.gateway_port),
            "PLATFORM_STORAGE_DIR": str(STORAGE_DIR),
            "PLATFORM_FRONTDOOR_PORT": str(free_port()),
            "PLATFORM_FRONTDOOR_HTTP_PORT": str(free_port()),
        }
    )
    door = Frontdoor(settings)
    said: list[str] = []
    try:
        tls = door.up(said.append)
        assert tls.ca == settings.tls_dir / "ca.pem"
        assert any("started on" in line for line in said), said
        trust = ssl.create_default_context(cafile=str(tls.ca))
        assert httpx.get(f"{settings.frontdoor_url}/healthz", verify=trust).status_code == 200
        rows = {c.name: c for c in Stack(settings).status()}
        assert rows["front door"].running == "yes"
        assert rows["front door"].healthy

        said.clear()
        door.up(said.append)
        assert any("running on" in line for line in said), "nothing changed: left alone"

        pid = door.nginx().process.pid()
        changed = Frontdoor(Settings(**{**settings.__dict__, "frontdoor_cache_seconds": 5}))
        said.clear()
        changed.up(said.append)
        assert any("reloaded" in line for line in said), said
        assert changed.nginx().process.pid() == pid, "a reload keeps the master"
    finally:
        assert door.down() is True
    assert door.down() is False, "stopping twice is fine"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", settings.frontdoor_port)) != 0, "port released"
