"""Journal search and lists through the real PostgREST, as a journaling frontend uses them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.fix_postgrest import ApiServer
from tests.publishing_client import json_of
from tests.test_api_journal import RETURN, error_of, new_entry, signed_in


def paragraph(text: str) -> dict[str, Any]:
    return {"blocks": [{"type": "paragraph", "data": {"text": text}}]}


def search(api: httpx.Client, who: dict[str, str], **args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json_of(api.post("/rpc/search_entries", headers=who, json=args))
    return rows


def test_search_ranks_titles_first_with_web_syntax_and_snippets(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    alice = signed_in(api, postgrest, "alice")
    new_entry(api, alice, title="Lighthouse keeper", content=paragraph("a calm evening at home"))
    new_entry(
        api, alice, title="Evening", content=paragraph("we walked to the lighthouse and back")
    )
    new_entry(
        api, alice, title="Dinner", content=paragraph("cold water & warm tea <i>by</i> the sea")
    )

    found = search(api, alice, q="lighthouse")
    assert [r["title"] for r in found] == ["Lighthouse keeper", "Evening"], "title above text"
    assert found[0]["rank"] > found[1]["rank"]
    assert {r["match"] for r in found} == {"fulltext"}
    assert found[1]["snippet"] == "we walked to the <mark>lighthouse</mark> and back"

    def titles(q: str) -> list[str]:
        return sorted(r["title"] for r in search(api, alice, q=q) if r["match"] == "fulltext")

    assert titles('"walked to the lighthouse"') == ["Evening"], "a quoted phrase"
    assert titles('"lighthouse walked"') == [], "a phrase is words in that order"
    assert titles("lighthouse -calm") == ["Evening"], "-word excludes"
    assert titles("calm or tea") == ["Dinner", "Lighthouse keeper"], "or"
    tea = search(api, alice, q="tea")[0]
    assert tea["snippet"] == "cold water &amp; warm <mark>tea</mark> by the sea", "HTML-escaped"

    # GET works too (the function is stable)
    got = json_of(api.get("/rpc/search_entries", headers=alice, params={"q": "lighthouse"}))
    assert [r["id"] for r in got] == [r["id"] for r in found]

    typo = search(api, alice, q="ligthouse kepeer")
    assert typo[0]["title"] == "Lighthouse keeper", "a misspelt title still finds it"
    assert typo[0]["match"] == "title_similar"
    assert typo[0]["snippet"] is None


def test_search_filters_pages_and_crossing(api: httpx.Client, postgrest: ApiServer) -> None:
    alice = signed_in(api, postgrest, "alice")
    mallory = signed_in(api, postgrest, "mallory")
    word = "w" + uuid.uuid4().hex[:12]
    mine = [
        new_entry(
            api,
            alice,
            title=f"Day {n}",
            content=paragraph(f"{word} " * (n % 4 + 1)),
            entry_date=f"2026-03-{n + 1:02d}",
        )
        for n in range(9)
    ]
    theirs_private = new_entry(api, mallory, title=f"{word} secret")
    theirs_public = new_entry(api, mallory, title=f"{word} open", is_public=True)
    gone = new_entry(api, alice, title=f"{word} gone")
    json_of(
        api.patch(
            "/entries", headers=alice, params={"id": f"eq.{gone['id']}"}, json={"deleted_at": "now"}
        )
    )

    # keyset pages of 2 cover every match exactly once, in rank order
    seen: list[str] = []
    ranks: list[float] = []
    after = None
    while True:
        page = search(api, alice, q=word, lim=2, **({"after": after} if after else {}))
        if not page:
            break
        seen += [r["id"] for r in page]
        ranks += [r["rank"] for r in page]
        after = page[-1]["cursor"]
    assert sorted(seen) == sorted(e["id"] for e in mine), "every own live match once"
    assert ranks == sorted(ranks, reverse=True)

    public = {r["id"] for r in search(api, alice, q=word, include_public=True, lim=100)}
    assert theirs_public["id"] in public
    assert theirs_private["id"] not in public
    assert gone["id"] not in public

    dated = search(api, alice, q=word, **{"from": "2026-03-03", "to": "2026-03-04"})
    assert sorted(r["title"] for r in dated) == ["Day 2", "Day 3"]

    tags = json_of(
        api.post("/tags", headers={**alice, **RETURN}, json=[{"name": "a"}, {"name": "b"}])
    )
    links = [(0, 0), (0, 1), (1, 0)]
    json_of(
        api.post(
            "/entry_tags",
            headers=alice,
            json=[{"entry_id": mine[e]["id"], "tag_id": tags[t]["id"]} for e, t in links],
        )
    )
    both = [t["id"] for t in tags]
    assert len(search(api, alice, q=word, tags=both)) == 2
    assert [r["id"] for r in search(api, alice, q=word, tags=both, tags_all=True)] == [
        mine[0]["id"]
    ]

    # anonymous callers: public entries only, and only when they ask
    anonymous = {"Accept-Profile": "journal", "Content-Profile": "journal"}
    refused = api.post("/rpc/search_entries", headers=anonymous, json={"q": word})
    assert error_of(refused, 401)["code"] == "journal.sign_in_required"
    anon = search(api, anonymous, q=word, include_public=True)
    assert [r["id"] for r in anon] == [theirs_public["id"]]
    # mallory's own search sees her private entry
    assert {r["id"] for r in search(api, mallory, q=word)} == {
        theirs_private["id"],
        theirs_public["id"],
    }


def test_search_errors_name_the_field(api: httpx.Client, postgrest: ApiServer) -> None:
    alice = signed_in(api, postgrest, "alice")
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"q": "  "}, "journal.invalid_query", "q"),
        ({"q": "sea", "lim": 0}, "journal.invalid_limit", "lim"),
        ({"q": "sea", "lim": 101}, "journal.invalid_limit", "lim"),
        (
            {"q": "sea", "from": "2026-02-01", "to": "2026-01-01"},
            "journal.invalid_date_range",
            "from",
        ),
        ({"q": "sea", "after": "f:1:x"}, "journal.invalid_cursor", "after"),
    ]
    for args, code, field in cases:
        body = error_of(api.post("/rpc/search_entries", headers=alice, json=args), 422)
        assert body["code"] == code, args
        assert body["message"].startswith(f"{field}:"), body


def test_list_pages_filters_and_counts(api: httpx.Client, postgrest: ApiServer) -> None:
    alice = signed_in(api, postgrest, "alice")
    mallory = signed_in(api, postgrest, "mallory")
    checklist = {
        "blocks": [
            {"type": "checklist", "data": {"items": [{"text": "milk", "checked": False}]}},
        ]
    }
    rows = json_of(
        api.post(
            "/entries",
            headers={**alice, **RETURN},
            json=[
                {
                    "title": f"e{n}",
                    "entry_date": f"2026-04-{n % 5 + 1:02d}",
                    "is_public": n % 2 == 0,
                    "content": checklist if n % 4 == 0 else paragraph("x"),
                }
                for n in range(13)
            ],
        )
    )
    json_of(api.post("/entries", headers=mallory, json={"title": "theirs", "is_public": True}))

    seen: list[str] = []
    keys: list[tuple[str, str, str]] = []
    args: dict[str, Any] = {"lim": 5}
    while True:
        page = json_of(api.post("/rpc/list_entries", headers=alice, json=args))
        if not page:
            break
        seen += [r["id"] for r in page]
        keys += [(r["entry_date"], r["created_at"], r["id"]) for r in page]
        last = page[-1]
        args = {
            "lim": 5,
            "after_date": last["entry_date"],
            "after_created_at": last["created_at"],
            "after_id": last["id"],
        }
    assert sorted(seen) == sorted(r["id"] for r in rows), "pages cover every entry once"
    assert keys == sorted(keys, reverse=True), "newest first: entry_date, created_at, id"

    total = json_of(api.post("/rpc/count_entries", headers=alice, json={}))
    assert total == 13
    assert json_of(api.post("/rpc/count_entries", headers=alice, json={"is_public": True})) == 7
    tasks = json_of(
        api.get(
            "/rpc/list_entries",
            headers=alice,
            params={"has_open_tasks": "true", "select": "title,open_tasks,block_types"},
        )
    )
    assert sorted(t["title"] for t in tasks) == ["e0", "e12", "e4", "e8"]
    assert {(t["open_tasks"], tuple(t["block_types"])) for t in tasks} == {(1, ("checklist",))}
    dated = json_of(
        api.post(
            "/rpc/list_entries", headers=alice, json={"from": "2026-04-02", "to": "2026-04-02"}
        )
    )
    assert sorted(r["title"] for r in dated) == ["e1", "e11", "e6"]

    tag = json_of(api.post("/tags", headers={**alice, **RETURN}, json={"name": "t"}))[0]
    json_of(
        api.post(
            "/entry_tags", headers=alice, json={"entry_id": rows[0]["id"], "tag_id": tag["id"]}
        )
    )
    tagged = json_of(
        api.get(
            "/rpc/list_entries",
            headers=alice,
            params={"tags": "{" + tag["id"] + "}", "select": "title,tags(name)"},
        )
    )
    assert tagged == [{"title": "e0", "tags": [{"name": "t"}]}], "embedding works on the RPC"

    theirs = json_of(api.post("/rpc/list_entries", headers=mallory, json={}))
    assert [r["title"] for r in theirs] == ["theirs"], "never another user's entries"
    assert json_of(api.post("/rpc/count_entries", headers=mallory, json={})) == 1

    bad = api.post("/rpc/list_entries", headers=alice, json={"block_type": "video"})
    assert error_of(bad, 422)["code"] == "journal.invalid_block_type"
    bad = api.post("/rpc/list_entries", headers=alice, json={"after_date": "2026-04-01"})
    assert error_of(bad, 422)["code"] == "journal.invalid_cursor"
    anonymous = {"Accept-Profile": "journal", "Content-Profile": "journal"}
    assert api.post("/rpc/list_entries", headers=anonymous, json={}).status_code == 401
