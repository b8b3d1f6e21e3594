"""The import's copies of the platform's CHECK constraints are the constraints' own values.

ops/legacy_blog/rules.py mirrors the rules the database has only as CHECK constraints
(the ones it has as functions are asked of the database). If a constraint changes, the
import's dry run must change with it: this test fails until it does.
"""

from __future__ import annotations

import psycopg
import pytest

from ops.legacy_blog import rules

Conn = psycopg.Connection[tuple[object, ...]]

#: (table, constraint) -> what of the import's rules must appear in its definition
PINNED = {
    ("auth.users", "users_username_format"): [rules.USERNAME.pattern],
    ("auth.users", "users_email_format"): ["254"],
    ("publishing.articles", "articles_slug_format"): [
        rules.SLUG.pattern,
        str(rules.SLUG_LENGTH["blog_article"]),
    ],
    ("publishing.categories", "categories_slug_format"): [
        rules.SLUG.pattern,
        str(rules.SLUG_LENGTH["blog_category"]),
    ],
    ("publishing.tags", "tags_slug_format"): [
        rules.SLUG.pattern,
        str(rules.SLUG_LENGTH["blog_tag"]),
    ],
    ("publishing.site_settings", "site_settings_key_format"): [rules.SETTING_KEY.pattern],
    ("publishing.site_settings", "site_settings_value_length"): [
        str(rules.LIMITS["setting_bytes"])
    ],
    ("publishing.articles", "articles_content_size"): [str(rules.LIMITS["content_bytes"])],
    ("publishing.articles", "articles_excerpt_length"): [str(rules.LIMITS["excerpt"])],
    ("publishing.comments", "comments_body_length"): [str(rules.LIMITS["body"])],
    ("publishing.comments", "comments_depth"): [f"<= {rules.MAX_DEPTH}"],
    ("publishing.profiles", "profiles_bio_length"): [str(rules.LIMITS["bio"])],
    ("publishing.profiles", "profiles_display_name_length"): [str(rules.LIMITS["display_name"])],
    ("publishing.profiles", "profiles_preferences_length"): [
        str(rules.LIMITS["preferences_bytes"])
    ],
    ("publishing.profiles", "profiles_preferences_nesting"): ["$.**{5}"],
    ("publishing.categories", "categories_description_length"): [str(rules.LIMITS["description"])],
    ("publishing.comment_moderation", "comment_moderation_note_length"): [
        str(rules.LIMITS["note"])
    ],
}


@pytest.mark.parametrize(("table", "constraint"), list(PINNED))
def test_each_mirrored_rule_is_the_constraints_own(
    platform_db: Conn, table: str, constraint: str
) -> None:
    row = platform_db.execute(
        "select pg_get_constraintdef(oid) from pg_constraint"
        " where conrelid = %s::regclass and conname = %s",
        (table, constraint),
    ).fetchone()
    assert row is not None, (
        f"{table} has no constraint {constraint}: update ops/legacy_blog/rules.py"
    )
    for part in PINNED[(table, constraint)]:
        assert part in str(row[0]), f"{constraint} is {row[0]}; rules.py has {part}"


def test_every_kind_can_refuse_and_has_another_policy() -> None:
    for kind in rules.KINDS:
        assert "refuse" in kind.policies, kind.name
        assert len(kind.policies) >= 2, kind.name
        assert next(iter(kind.policies)) != "refuse", "the first policy is the one that imports"


def test_policies_are_parsed_strictly() -> None:
    assert rules.parse_policies(["comment-too-deep=flatten"]) == {"comment-too-deep": "flatten"}
    for bad in ("comment-too-deep", "comment-too-deep=sideways", "no-such-kind=refuse"):
        with pytest.raises(Exception, match="--policy"):
            rules.parse_policies([bad])
