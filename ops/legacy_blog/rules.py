"""What the platform refuses in legacy rows, and the policies an operator may choose.

Each `Kind` is one rule of the platform that real legacy data breaks (docs/import.md lists
them). Nothing has a default: a real import refuses to start while a kind that occurs has
no policy (`--policy KIND=POLICY`). Every conflict names its table, legacy id and rule, and
records what its policy changed (`Conflict.changes`), so the verification report
can tell a planned change from a lost or altered row.

The platform's own rules are read from the database where it has them as functions
(e-mail normalization and look-alike skeletons, time zone names); the rest mirror named
CHECK constraints (`tests/test_import_rules.py` pins each one to its constraint).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.errors import OpsError


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    rule: str
    policies: dict[str, str]


KINDS: tuple[Kind, ...] = (
    Kind(
        "email-duplicate",
        "blog_customuser",
        "e-mails are unique on the platform ignoring case, Unicode form and look-alike letters",
        {
            "merge": "the accounts become one: the lowest legacy id's; the others' articles"
            " and comments are attributed to it, their usernames and passwords are not kept",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "email-exists",
        "blog_customuser",
        "an account with this e-mail is already on the platform",
        {
            "merge": "the legacy account becomes that platform account (its content is"
            " attributed to it; the platform account's password and name stay)",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "email-invalid",
        "blog_customuser",
        "an account needs an e-mail address (blank or not an address in the legacy data)",
        {
            "placeholder": "import with legacy-user-<id>@legacy.invalid: it cannot sign in"
            " until an admin gives it a real address",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "username-refused",
        "blog_customuser",
        "usernames are 3-32 of A-Z a-z 0-9 _ . - (not starting with . or -), unique ignoring"
        " case, also against accounts already on the platform",
        {
            "rename": "replace refused characters with _, cut to 32, and add -<legacy id>"
            " when taken",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "password-unsupported",
        "blog_customuser",
        "old passwords are kept for Django's pbkdf2_sha256 hashes and unusable (!) ones only",
        {
            "lock": "import the account with an unusable password: it must reset it",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "inactive-account",
        "blog_customuser",
        "the platform has no inactive accounts (is_active is false in the legacy data)",
        {
            "lock": "import the account with an unusable password: it cannot sign in until"
            " an admin sets one",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "timezone-unknown",
        "blog_customuser",
        "a profile's time zone must be one PostgreSQL knows (pg_timezone_names)",
        {"utc": "import the profile with UTC", "refuse": "stop the import"},
    ),
    Kind(
        "preferences-refused",
        "blog_customuser",
        "preferences are a JSON object of at most 8 KB, nested at most 4 levels",
        {"reset": "import the profile with {} as preferences", "refuse": "stop the import"},
    ),
    Kind(
        "text-too-long",
        "*",
        "article content <= 1 MB, excerpt <= 1,000 characters, comment <= 10,000, bio"
        " <= 2,000, display name <= 100, category description <= 1,000, moderation note <= 2,000",
        {
            "truncate": "cut the text to the limit (at a character boundary)",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "text-blank",
        "*",
        "an article needs a title and a comment a body (blank in the legacy data)",
        {
            "placeholder": "import with '(untitled)' / '(empty comment)'",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "slug-refused",
        "*",
        "slugs are lowercase words joined by single hyphens (a-z 0-9), at most 120/100/50"
        " characters for articles/categories/tags",
        {
            "reslug": "make a slug from the legacy one (lowercased, accents folded, cut),"
            " numbered when taken",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "slug-exists",
        "blog_article",
        "an article with this slug is already on the platform",
        {"rename": "add -2, -3... to the slug", "refuse": "stop the import"},
    ),
    Kind(
        "taxonomy-exists",
        "*",
        "a category or tag with this slug is already on the platform",
        {
            "merge": "use the platform's category or tag",
            "rename": "add -2, -3... to the slug",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "comment-too-deep",
        "blog_comment",
        "replies nest at most 5 levels",
        {
            "flatten": "attach the reply to its ancestor on the 4th level, so that it sits"
            " on the 5th (the deepest allowed); its text and order are kept",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "published-without-time",
        "blog_article",
        "a published article has a publication time",
        {"created": "use the article's created_at", "refuse": "stop the import"},
    ),
    Kind(
        "schedule-passed",
        "blog_article",
        "a draft scheduled for a time already past would be published by the platform's job"
        " at once",
        {
            "publish": "keep the schedule: the job publishes it within a minute",
            "draft": "import as a draft without schedule",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "status-unknown",
        "blog_article",
        "an article's status is draft, published or archived",
        {"draft": "import as a draft", "refuse": "stop the import"},
    ),
    Kind(
        "media-without-url",
        "*",
        "an avatar or cover image is a URL: file paths need --media-url",
        {
            "drop": "import without the image (give --media-url to keep it)",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "ip-invalid",
        "blog_comment",
        "a comment's IP address is an IPv4 or IPv6 address",
        {"drop": "import the comment without its IP address", "refuse": "stop the import"},
    ),
    Kind(
        "orphan",
        "*",
        "every row's article, author, parent or category exists (the legacy file has rows"
        " pointing at missing ones)",
        {
            "skip": "leave the row out (and what hangs from it), listed in the report",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "setting-exists",
        "blog_sitesetting",
        "a site setting with this key is already on the platform",
        {
            "keep": "keep the platform's value",
            "replace": "replace it with the legacy value (a rollback restores it)",
            "refuse": "stop the import",
        },
    ),
    Kind(
        "setting-refused",
        "blog_sitesetting",
        "a setting key is a-z 0-9 _ . (starting with a letter, at most 63), its value at most"
        " 16 KB of JSON",
        {"skip": "leave the setting out, listed in the report", "refuse": "stop the import"},
    ),
)
BY_NAME = {kind.name: kind for kind in KINDS}

# Mirrors of named CHECK constraints (pinned by tests/test_import_rules.py).
USERNAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{2,31}$")  # users_username_format
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # users_email_format (<= 254)
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # articles/categories/tags_slug_format
SETTING_KEY = re.compile(r"^[a-z][a-z0-9_.]{0,62}$")  # site_settings_key_format
SLUG_LENGTH = {"blog_article": 120, "blog_category": 100, "blog_tag": 50}
LIMITS = {
    "content_bytes": 1_048_576,  # articles_content_size (bytes)
    "excerpt": 1_000,  # articles_excerpt_length
    "body": 10_000,  # comments_body_length
    "bio": 2_000,  # profiles_bio_length
    "display_name": 100,  # profiles_display_name_length
    "description": 1_000,  # categories_description_length
    "note": 2_000,  # comment_moderation_note_length
    "preferences_bytes": 8_192,  # profiles_preferences_length
    "setting_bytes": 16_384,  # site_settings_value_length
}
UNTITLED = "(untitled)"
#: Django's prefix of an unusable password (and the import's for a locked account)
UNUSABLE = "!"
EMPTY_COMMENT = "(empty comment)"
MAX_DEPTH = 4  # comments_depth: 0..4, five levels


@dataclass
class Conflict:
    """One legacy row the platform would refuse, and what its policy did to it."""

    kind: str
    table: str
    legacy_id: int
    detail: str
    policy: str | None = None
    #: field -> the value imported instead of the legacy one (None: the field left out)
    changes: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "table": self.table,
            "legacy_id": self.legacy_id,
            "detail": self.detail,
            "policy": self.policy,
            "changes": {k: _jsonable(v) for k, v in self.changes.items()},
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool, dict, list)) or value is None:
        return value
    return str(value)


def parse_policies(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["email-duplicate=merge", ...]`` -> {kind: policy}, refusing unknown ones."""
    chosen: dict[str, str] = {}
    for item in items:
        name, sep, policy = item.partition("=")
        name, policy = name.strip(), policy.strip()
        kind = BY_NAME.get(name)
        if not sep or kind is None:
            raise OpsError(
                f"--policy {item!r}: not KIND=POLICY with a known kind",
                "kinds: " + ", ".join(BY_NAME),
            )
        if policy not in kind.policies:
            raise OpsError(
                f"--policy {item!r}: {name} has no policy {policy!r}",
                f"choose one of: {', '.join(kind.policies)}",
            )
        chosen[name] = policy
    return chosen


def cut(limit: int, unit: str = "characters") -> dict[str, Any]:
    """The recorded change of a text cut to ``limit`` ``unit`` (characters or bytes)."""
    return {"truncated_to": limit, "unit": unit}


def apply(value: Any, change: Any) -> Any:
    """``value`` as a recorded change makes it: a cut (`cut`) or a replacement value."""
    if isinstance(change, dict) and set(change) == {"truncated_to", "unit"}:
        if value is None:
            return None
        return truncate(str(value), int(change["truncated_to"]), as_bytes=change["unit"] == "bytes")
    return change


def truncate(text: str, limit: int, *, as_bytes: bool = False) -> str:
    """``text`` cut to ``limit`` characters (or UTF-8 bytes) at a character boundary."""
    if not as_bytes:
        return text[:limit]
    return text.encode()[:limit].decode("utf-8", errors="ignore")
