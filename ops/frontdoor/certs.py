"""The front door's TLS certificate: the operator's own, or one from a local CA.

Without ``PLATFORM_TLS_CERT``/``PLATFORM_TLS_KEY`` the set-up keeps a small certificate
authority in ``var/secrets/tls``: ``ca.pem`` (what a browser or ``httpx`` is told to
trust), ``ca.key``, and ``server.pem``/``server.key`` for the loopback names. Both keys
are ECDSA P-256 (fast handshakes). The CA is name-constrained to loopback names and
addresses, so trusting it cannot let its key vouch for any other site. Files are reused
while valid and renewed when less than `RENEW_BEFORE` of their life is left, when the
names changed, or when the server certificate was not issued by the CA beside it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from core.errors import OpsError

logger = logging.getLogger(__name__)

#: Names every local certificate carries, whatever address the front door listens on.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
CA_LIFETIME = dt.timedelta(days=3650)
#: Browsers refuse server certificates valid for more than 398 days.
SERVER_LIFETIME = dt.timedelta(days=397)
RENEW_BEFORE = dt.timedelta(days=30)
_CA_NAME = "Platform local CA"

Key = ec.EllipticCurvePrivateKey

#: A CA key signs certificates (and revocation lists), nothing else.
_CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


@dataclass(frozen=True)
class Certificates:
    """What nginx is given, and the CA file clients trust (None: the operator's own)."""

    cert: Path
    key: Path
    ca: Path | None
    #: What `ensure_local` did: "reused", "created" or "renewed" (or "own").
    action: str = "reused"


def own(cert: Path | None, key: Path | None) -> Certificates | None:
    """The operator's certificate and key, checked to belong together; None if unset."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise OpsError(
            "PLATFORM_TLS_CERT and PLATFORM_TLS_KEY go together; only one is set",
            "set both (your certificate and its private key), or neither for a local CA",
        )
    try:
        certificate = x509.load_pem_x509_certificate(cert.read_bytes())
        private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise OpsError(
            f"cannot read the TLS certificate {cert} or its key {key}: {exc}",
            "PLATFORM_TLS_CERT and PLATFORM_TLS_KEY must name readable PEM files "
            "(the key unencrypted)",
        ) from exc
    if _public_bytes(certificate.public_key()) != _public_bytes(private.public_key()):
        raise OpsError(
            f"the key {key} does not belong to the certificate {cert}",
            "set PLATFORM_TLS_KEY to the private key the certificate was issued for",
        )
    if certificate.not_valid_after_utc <= _now():
        raise OpsError(
            f"the TLS certificate {cert} expired on {certificate.not_valid_after_utc:%Y-%m-%d}",
            "renew it, or unset PLATFORM_TLS_CERT and PLATFORM_TLS_KEY for a local CA",
        )
    return Certificates(cert=cert, key=key, ca=None, action="own")


def local_paths(folder: Path) -> tuple[Path, Path]:
    """Where `ensure_local` keeps the server certificate and its key."""
    return folder / "server.pem", folder / "server.key"


def ensure_local(folder: Path, names: Iterable[str] = ()) -> Certificates:
    """The local CA and server certificate of ``folder``, made or renewed as needed.

    ``names`` (host names or IP addresses) are added to `LOOPBACK_NAMES`.
    """
    wanted = tuple(dict.fromkeys([*LOOPBACK_NAMES, *names]))
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    paths = {name: folder / name for name in ("ca.pem", "ca.key", "server.pem", "server.key")}
    ca = _load(paths["ca.pem"], paths["ca.key"])
    action = "reused"
    if ca is None or not _fresh(ca[0]) or not _constrained_to(ca[0], wanted):
        action = "renewed" if ca is not None else "created"
        ca = _make_ca(wanted)
        _write_pair(paths["ca.pem"], paths["ca.key"], *ca)
        logger.info("front door: %s the local CA %s", action, paths["ca.pem"])
    server = _load(paths["server.pem"], paths["server.key"])
    if server is None or not _server_ok(server[0], ca[0], wanted):
        if action == "reused":
            action = "renewed" if server is not None else "created"
        server = _make_server(ca, wanted)
        _write_pair(paths["server.pem"], paths["server.key"], *server)
        logger.info("front door: %s the certificate %s", action, paths["server.pem"])
    return Certificates(cert=paths["server.pem"], key=paths["server.key"], ca=paths["ca.pem"],
                        action=action)  # fmt: skip


# --- checks ---------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fresh(cert: x509.Certificate) -> bool:
    return cert.not_valid_before_utc <= _now() < cert.not_valid_after_utc - RENEW_BEFORE


def _server_ok(cert: x509.Certificate, ca: x509.Certificate, names: tuple[str, ...]) -> bool:
    if not _fresh(cert) or cert.issuer != ca.subject:
        return False
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return set(sans) == set(_general_names(names))


def _constrained_to(ca: x509.Certificate, names: tuple[str, ...]) -> bool:
    """True when the CA's name constraints permit every one of ``names``."""
    try:
        constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return False
    return set(constraints.permitted_subtrees or ()) == set(_permitted(names))


# --- making them ----------------------------------------------------------------------


def _make_ca(names: tuple[str, ...]) -> tuple[x509.Certificate, Key]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, _CA_NAME)])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_CA_KEY_USAGE, critical=True)
        # Trusting this CA trusts it for these names only, whoever gets hold of its key.
        .add_extension(x509.NameConstraints(_permitted(names), None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _make_server(
    ca: tuple[x509.Certificate, Key], names: tuple[str, ...]
) -> tuple[x509.Certificate, Key]:
    ca_cert, ca_key = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(min(now + SERVER_LIFETIME, ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(_general_names(names)), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _general_names(names: Iterable[str]) -> list[x509.GeneralName]:
    result: list[x509.GeneralName] = []
    for name in names:
        try:
            result.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            result.append(x509.DNSName(name))
    return result


def _permitted(names: Iterable[str]) -> list[x509.GeneralName]:
    """Name-constraint subtrees: each DNS name, each address as a /32 (or /128) network."""
    result: list[x509.GeneralName] = []
    for name in names:
        try:
            result.append(x509.IPAddress(ipaddress.ip_network(name)))
        except ValueError:
            result.append(x509.DNSName(name))
    return result


# --- files ----------------------------------------------------------------------------


def _load(cert_path: Path, key_path: Path) -> tuple[x509.Certificate, Key] | None:
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    if _public_bytes(cert.public_key()) != _public_bytes(key.public_key()):
        return None
    return cert, key


def _public_bytes(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _write_pair(cert_path: Path, key_path: Path, cert: x509.Certificate, key: Key) -> None:
    """Write the key (0600) then the certificate (0644), each atomically."""
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write(key_path, key_pem, 0o600)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _write(path: Path, data: bytes, mode: int) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.chmod(tmp, mode)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
