"""libpq URLs: credentials swapped in, passwords hidden, hosts bracketed; web origins."""

from __future__ import annotations

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


def origins(text: str) -> tuple[str, ...]:
    """The comma-separated web origins of ``text``, lower-cased, without duplicates."""
    found: list[str] = []
    for item in text.split(","):
        origin = item.strip().lower()
        if origin and origin not in found:
            found.append(origin)
    return tuple(found)


def is_origin(origin: str) -> bool:
    """True for a web origin as browsers send it: ``http(s)://host[:port]``, nothing more."""
    parts = urlsplit(origin)
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and origin == f"{parts.scheme}://{parts.netloc}"
        and "@" not in parts.netloc
        and not any(c in origin for c in " \"\\;{}*$'")
    )


def are_origins(text: str) -> bool:
    """True when every comma-separated item of ``text`` is a web origin (`is_origin`)."""
    return all(is_origin(origin) for origin in origins(text))
