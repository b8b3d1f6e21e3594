"""libpq URLs: credentials swapped in, passwords hidden, hosts bracketed; web origins."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit


def with_credentials(url: str, user: str, password: str | None) -> str:
    """Return the libpq URL ``url`` with its user and password replaced."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    userinfo = quote(user, safe="")
    if password is not None:
        userinfo += ":" + quote(password, safe="")
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{host}"))


def redact(url: str) -> str:
    """``url`` with its password replaced by ``***``, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def url_host(host: str) -> str:
    """``host`` as it goes into a URL: IPv6 addresses in brackets."""
    return f"[{host}]" if ":" in host else host


def is_postgres_url(url: str) -> bool:
    """True for ``postgresql://...`` (or ``postgres://``) URLs that name a database."""
    parts = urlsplit(url)
    return parts.scheme in ("postgresql", "postgres") and bool(parts.path.strip("/"))


#: A web origin as browsers send it in ``Origin``: scheme://host[:port], no path.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


def origins(text: str) -> tuple[str, ...]:
    """The origins of a comma-separated list, lower case, blanks and empties dropped."""
    return tuple(item.strip().lower() for item in text.split(",") if item.strip())


def are_origins(text: str) -> bool:
    """True when every item of the comma-separated ``text`` is a web origin."""
    return all(_ORIGIN.fullmatch(item) for item in origins(text))
