"""The publishing module through the real PostgREST, as the blog frontend uses it."""

from __future__ import annotations

import httpx
import psycopg

from tests.fix_postgrest import ApiServer
from tests.publishing_client import (
    PUBLISHING,
    approved_comment,
    create_user,
    json_of,
    login,
)

RETURN = {"Prefer": "return=representation"}


def test_draft_review_publish_and_read_with_embeds(api: httpx.Client, postgrest: ApiServer) -> None:
    author = login(api, create_user(postgrest.db_url, ["author"], "writer"))
    editor = login(api, create_user(postgrest.db_url, ["editor"], "editor"))
    reader = login(api, create_user(postgrest.db_url, [], "reader"))
    moderator = login(api, create_user(postgrest.db_url, ["moderator"], "mod"))

    category = json_of(
        api.post(
            "/categories",
            headers={**editor, **RETURN},
            json={"name": "Databases", "slug": "databases-api"},
        )
    )[0]
    tag = json_of(
        api.post(
            "/tags", headers={**author, **RETURN}, json={"name": "Postgres", "slug": "postgres-api"}
        )
    )[0]
    draft = json_of(
        api.post(
            "/articles",
            headers={**author, **RETURN},
            json={
                "title": "Row level security in practice",
                "content": "Policies decide. " * 50,
                "category_id": category["id"],
            },
        )
    )[0]
    assert draft["status"] == "draft"
    assert draft["slug"] == "row-level-security-in-practice"
    assert draft["version"] == 1
    assert draft["reading_minutes"] == 1
    json_of(
        api.post(
            "/article_tags", headers=author, json={"article_id": draft["id"], "tag_id": tag["id"]}
        )
    )

    # Anonymous readers do not see the draft at all.
    anon = api.get("/articles", headers=PUBLISHING, params={"id": f"eq.{draft['id']}"})
    assert anon.json() == []

    # A stale version is refused with 409 and the current version; nothing is overwritten.
    json_of(
        api.patch(
            "/articles",
            headers=author,
            params={"id": f"eq.{draft['id']}"},
            json={"excerpt": "How we do it", "version": 1},
        )
    )
    stale = api.patch(
        "/articles",
        headers=author,
        params={"id": f"eq.{draft['id']}"},
        json={"title": "Overwrite", "version": 1},
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "publishing.version_conflict"
    assert '"current_version" : 2' in stale.json()["details"]

    forbidden = api.post("/rpc/publish_article", headers=author, json={"article_id": draft["id"]})
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "publishing.editors_only"
    published = json_of(
        api.post("/rpc/publish_article", headers=editor, json={"article_id": draft["id"]})
    )
    assert published["status"] == "published"

    comment = approved_comment(
        api, {**reader, "User-Agent": "pytest"}, moderator, draft["id"], "Great read"
    )
    hidden = json_of(
        api.post(
            "/comments",
            headers={**reader, **RETURN},
            json={"article_id": draft["id"], "body": "spam"},
        )
    )[0]

    detail = json_of(
        api.get(
            "/articles",
            headers=PUBLISHING,
            params={
                "id": f"eq.{draft['id']}",
                "select": "id,title,excerpt,author:profiles!author_id(username,display_name),"
                "category:categories(name,slug),tags(name,slug),comments(id,body,depth,parent_id)",
            },
        )
    )
    assert len(detail) == 1
    article = detail[0]
    assert article["excerpt"] == "How we do it"
    assert article["author"]["username"].startswith("writer_")
    assert article["category"] == {"name": "Databases", "slug": "databases-api"}
    assert article["tags"] == [{"name": "Postgres", "slug": "postgres-api"}]
    assert [c["id"] for c in article["comments"]] == [comment["id"]], "only approved comments"
    assert hidden["id"] not in [c["id"] for c in article["comments"]]

    details = json_of(
        api.get(
            "/comment_moderation", headers=moderator, params={"comment_id": f"eq.{comment['id']}"}
        )
    )
    assert details[0]["user_agent"] == "pytest"
    assert api.get("/comment_moderation", headers=reader).json() == []


def test_lists_with_counts_keyset_pages_and_category_tree(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    editor = login(api, create_user(postgrest.db_url, ["editor"], "editor"))
    parent = json_of(
        api.post(
            "/categories",
            headers={**editor, **RETURN},
            json={"name": "Science", "slug": "science-tree"},
        )
    )[0]
    json_of(
        api.post(
            "/categories",
            headers=editor,
            json={"name": "Physics", "slug": "physics-tree", "parent_id": parent["id"]},
        )
    )
    tree = json_of(api.get("/rpc/category_tree", headers=PUBLISHING))
    science = next(node for node in tree if node["slug"] == "science-tree")
    assert [child["slug"] for child in science["children"]] == ["physics-tree"]

    for n in range(5):
        article = json_of(
            api.post(
                "/articles",
                headers={**editor, **RETURN},
                json={"title": f"Paging {n}", "category_id": parent["id"]},
            )
        )[0]
        json_of(
            api.post("/rpc/publish_article", headers=editor, json={"article_id": article["id"]})
        )

    params = {
        "select": "id,published_at",
        "category_id": f"eq.{parent['id']}",
        "order": "published_at.desc.nullslast,id.desc",
        "limit": "2",
    }
    first = api.get("/articles", headers={**PUBLISHING, "Prefer": "count=exact"}, params=params)
    assert first.headers["Content-Range"] == "0-1/5"
    seen = [row["id"] for row in first.json()]
    while True:
        last = api.get(
            "/articles",
            headers=PUBLISHING,
            params={"id": f"eq.{seen[-1]}", "select": "published_at"},
        )
        cursor = last.json()[0]["published_at"]
        page = json_of(
            api.get(
                "/articles",
                headers=PUBLISHING,
                params={
                    **params,
                    "or": f"(published_at.lt.{cursor},"
                    f"and(published_at.eq.{cursor},id.lt.{seen[-1]}))",
                },
            )
        )
        if not page:
            break
        seen += [row["id"] for row in page]
    assert len(seen) == len(set(seen)) == 5

    # The list view pages the same rows, with the category attached.
    cards = api.get(
        "/article_cards",
        headers={**PUBLISHING, "Prefer": "count=exact"},
        params={**params, "select": "id,category", "limit": "5"},
    )
    assert cards.headers["Content-Range"] == "0-4/5"
    assert [row["id"] for row in cards.json()] == seen
    assert {row["category"]["slug"] for row in cards.json()} == {"science-tree"}


def test_bad_input_gets_field_errors(api: httpx.Client, postgrest: ApiServer) -> None:
    author = login(api, create_user(postgrest.db_url, ["author"], "writer"))
    too_long = api.post("/articles", headers=author, json={"title": "x" * 301})
    assert too_long.status_code == 400
    assert too_long.json()["code"] == "23514"
    assert "articles_title_length" in too_long.json()["message"]
    featured = api.post("/articles", headers=author, json={"title": "Me first", "featured": True})
    assert featured.status_code == 403
    assert featured.json()["code"] == "publishing.forbidden_change"
    assert featured.json()["message"].startswith("featured")
    unknown = api.post("/rpc/archive_article", headers=author, json={"article_id": 10**12})
    assert unknown.status_code == 403


def test_profiles_show_email_to_owner_only(api: httpx.Client, postgrest: ApiServer) -> None:
    email = create_user(postgrest.db_url, [], "person")
    mine = login(api, email)
    other = login(api, create_user(postgrest.db_url, [], "other"))
    with psycopg.connect(postgrest.db_url) as conn:
        row = conn.execute(
            "select id from auth.users where email = %s::extensions.citext", (email,)
        ).fetchone()
    assert row is not None
    params = {"user_id": f"eq.{row[0]}", "select": "username,email"}
    assert json_of(api.get("/profiles", headers=mine, params=params))[0]["email"] == email
    assert json_of(api.get("/profiles", headers=other, params=params))[0]["email"] is None
    assert json_of(api.get("/profiles", headers=PUBLISHING, params=params))[0]["email"] is None


def test_revisions_analytics_archive_and_ranges_over_http(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    """What the frontend does beyond reading: restore a revision, like, view, see the
    analytics (editors and the article's authors only), archive; page with a Range
    header and an estimated count; a taken slug answers 409 naming the column."""
    author = login(api, create_user(postgrest.db_url, ["author"], "writer"))
    editor = login(api, create_user(postgrest.db_url, ["editor"], "editor"))
    reader = login(api, create_user(postgrest.db_url, [], "reader"))
    moderator = login(api, create_user(postgrest.db_url, ["moderator"], "mod"))
    draft = json_of(
        api.post("/articles", headers={**author, **RETURN}, json={"title": "First title"})
    )[0]
    where = {"id": f"eq.{draft['id']}"}
    for title in ("Second title", "Third title"):
        json_of(api.patch("/articles", headers=author, params=where, json={"title": title}))
    revisions = json_of(
        api.get(
            "/article_revisions",
            headers=author,
            params={"article_id": f"eq.{draft['id']}", "order": "version", "select": "id,title"},
        )
    )
    assert [r["title"] for r in revisions] == ["First title", "Second title"]
    assert (
        api.get(
            "/article_revisions", headers=reader, params={"id": "eq." + str(revisions[0]["id"])}
        ).json()
        == []
    )
    restored = json_of(
        api.post("/rpc/restore_revision", headers=author, json={"revision_id": revisions[0]["id"]})
    )
    assert restored["title"] == "First title"
    assert restored["slug"] == draft["slug"], "the slug stays"
    count = api.get(
        "/article_revisions",
        headers={**author, "Prefer": "count=exact"},
        params={"article_id": f"eq.{draft['id']}", "limit": "0"},
    )
    assert count.headers["Content-Range"].endswith("/3"), "the restore is a revision too"

    json_of(api.post("/rpc/publish_article", headers=editor, json={"article_id": draft["id"]}))
    json_of(api.post("/article_likes", headers=reader, json={"article_id": draft["id"]}))
    twice = api.post("/article_likes", headers=reader, json={"article_id": draft["id"]})
    assert twice.status_code == 409, "one like per user per article"
    approved_comment(api, reader, moderator, draft["id"], "Nice")
    for _ in range(3):
        json_of(api.post("/rpc/record_view", headers=PUBLISHING, json={"article_id": draft["id"]}))
    with psycopg.connect(postgrest.db_url, autocommit=True) as conn:
        conn.execute("select publishing_private.refresh_analytics()")  # the scheduled job
    top = json_of(api.post("/rpc/top_articles", headers=editor, json={"lim": 100}))
    mine = next(row for row in top if row["article_id"] == draft["id"])
    assert (mine["views"], mine["likes"], mine["comments"]) == (3, 1, 1)
    stats = json_of(
        api.post("/rpc/article_stats", headers=author, json={"article_id": draft["id"]})
    )
    assert stats == [{"views": 3, "likes": 1, "comments": 1}]
    refused = api.post("/rpc/top_articles", headers=reader, json={})
    assert (refused.status_code, refused.json()["code"]) == (403, "publishing.editors_only")
    other = api.post("/rpc/article_stats", headers=reader, json={"article_id": draft["id"]})
    assert other.status_code == 403
    assert "article_id" in other.json()["message"]

    archived = json_of(
        api.post("/rpc/archive_article", headers=editor, json={"article_id": draft["id"]})
    )
    assert archived["status"] == "archived"
    assert api.get("/articles", headers=PUBLISHING, params=where).json() == []

    # Ranges: a Range header pages like limit/offset, with the total as asked.
    ranged = api.get(
        "/article_cards",
        headers={**PUBLISHING, "Range-Unit": "items", "Range": "0-1", "Prefer": "count=exact"},
        params={"select": "id", "order": "published_at.desc.nullslast,id.desc"},
    )
    total = int(ranged.headers["Content-Range"].split("/")[1])
    assert len(ranged.json()) == min(2, total)
    if total > 2:
        assert ranged.status_code == 206
        assert ranged.headers["Content-Range"] == f"0-1/{total}"
    estimated = api.get(
        "/article_cards",
        headers={**PUBLISHING, "Range": "0-1", "Prefer": "count=estimated"},
        params={"select": "id"},
    )
    assert estimated.headers["Content-Range"].split("/")[1].isdigit()

    # A taken slug: 409 naming the constraint, hence the field. PostgreSQL leaves out
    # the "Key (slug)=(...)" detail for a caller under row-level security: the taken
    # value may be another author's unpublished draft.
    taken = api.post("/articles", headers=author, json={"title": "Copycat", "slug": draft["slug"]})
    assert taken.status_code == 409
    assert taken.json()["code"] == "23505"
    assert "articles_slug_key" in taken.json()["message"]
    assert taken.json()["details"] is None


def test_oversized_or_deep_preferences_are_refused_naming_the_field(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    """Security finding 4: a signed-in user stored 10 MB of preferences, which every
    anonymous GET /profiles then carried. Size and depth are bounded; nothing is stored."""
    email = create_user(postgrest.db_url, [], "prefs")
    me = login(api, email)
    with psycopg.connect(postgrest.db_url) as conn:
        row = conn.execute(
            "select id from auth.users where email = %s::extensions.citext", (email,)
        ).fetchone()
    assert row is not None
    mine = {"user_id": f"eq.{row[0]}"}
    fits = {"theme": "dark", "feed": {"tags": ["science", "art"], "digest": {"day": "mon"}}}
    saved = api.patch("/profiles", headers=me, params=mine, json={"preferences": fits})
    assert saved.status_code == 204, saved.text

    refused = {
        "profiles_preferences_length": {"blob": "x" * 1_000_000},
        "profiles_preferences_nesting": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}},
    }
    for constraint, preferences in refused.items():
        answer = api.patch("/profiles", headers=me, params=mine, json={"preferences": preferences})
        assert answer.status_code == 400, answer.text[:500]
        body = answer.json()
        assert body["code"] == "23514"
        assert constraint in body["message"], "the message names the field (its constraint)"
        assert len(answer.content) < 2_000, "the refusal does not echo the value back"

    stored = api.get("/profiles", headers=PUBLISHING, params={**mine, "select": "preferences"})
    assert json_of(stored) == [{"preferences": fits}], "nothing of the refused values is stored"
