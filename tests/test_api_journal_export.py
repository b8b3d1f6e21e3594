"""The journal's export through the real PostgREST: JSON and Markdown."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import httpx

from tests.fix_postgrest import ApiServer
from tests.publishing_client import json_of
from tests.test_api_journal import BLOCKS, JOURNAL, RETURN, error_of, new_entry, signed_in

SEALED = {
    "sealed": {"alg": "AES-256-GCM", "iv": "aXYtaXYtaXYtaXY=", "ciphertext": "Q0lQSEVSVEVYVA=="}
}
# what a re-import needs of an entry, compared with what the owner reads
COLUMNS = [
    "title",
    "entry_date",
    "content",
    "is_public",
    "sealed",
    "version",
    "deleted_at",
    "created_at",
    "updated_at",
]
DISPOSITION = re.compile(r'^attachment; filename="journal-\d{4}-\d{2}-\d{2}\.(json|md)"$')


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def _diary(api: httpx.Client, who: dict[str, str]) -> dict[str, Any]:
    """A journal with every kind of row: rich, sealed, public, trashed, tagged, viewed."""
    rich = new_entry(api, who, title="Sea", content=BLOCKS, entry_date="2026-11-30")
    sealed = new_entry(api, who, title="Locked", content=SEALED, entry_date="2026-12-01")
    public = new_entry(api, who, title="Open", is_public=True, entry_date="2026-12-02")
    trashed = new_entry(api, who, title="Gone", entry_date="2026-12-03")
    json_of(
        api.patch(
            "/entries",
            headers=who,
            params={"id": f"eq.{trashed['id']}"},
            json={"deleted_at": "now"},
        )
    )
    json_of(api.post("/rpc/record_view", headers=who, json={"entry_id": rich["id"]}))
    tags = json_of(
        api.post("/tags", headers={**who, **RETURN}, json=[{"name": "sea"}, {"name": "Work"}])
    )
    links = [
        {"entry_id": rich["id"], "tag_id": tags[0]["id"]},
        {"entry_id": rich["id"], "tag_id": tags[1]["id"]},
        {"entry_id": public["id"], "tag_id": tags[1]["id"]},
    ]
    json_of(api.post("/entry_tags", headers=who, json=links))
    return {"rich": rich, "sealed": sealed, "public": public, "trashed": trashed}


def test_json_export_holds_exactly_the_callers_rows(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    alice = signed_in(api, postgrest, "alice")
    mallory = signed_in(api, postgrest, "mallory")
    mine = _diary(api, alice)
    theirs = new_entry(api, mallory, title="Mallory in public", is_public=True)
    json_of(api.post("/tags", headers=mallory, json={"name": "mallory-tag"}))

    answer = api.post("/rpc/export_entries", headers=alice, json={})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert DISPOSITION.match(answer.headers["content-disposition"])
    assert answer.headers["content-disposition"].endswith('.json"')
    document = answer.json()

    me = json_of(api.get("/rpc/me", headers={"Authorization": alice["Authorization"]}))
    assert (document["format"], document["version"]) == ("journal.export", 1)
    assert document["owner"] == {"id": me["id"], "username": me["username"]}
    assert (document["complete"], document["next"]) == (True, None)

    # entries: every column a re-import needs, equal to what the user reads
    stored = json_of(
        api.get(
            "/entries",
            headers=alice,
            params={
                "owner_id": f"eq.{me['id']}",
                "select": "*,entry_views(view_count,last_viewed_at)",
            },
        )
    )
    exported = _by_id(document["entries"])
    assert set(exported) == {row["id"] for row in stored} == {e["id"] for e in mine.values()}
    assert theirs["id"] not in exported, "another user's public entry is not in my export"
    for row in stored:
        out = exported[row["id"]]
        for column in COLUMNS:
            assert _same(out[column], row[column]), (column, out[column], row[column])
        assert out["in_trash"] is (row["deleted_at"] is not None)
        views = row["entry_views"] or {"view_count": 0, "last_viewed_at": None}
        for column in ("view_count", "last_viewed_at"):
            assert _same(out[column], views[column]), (column, out[column], views[column])
    assert exported[mine["sealed"]["id"]]["content"] == SEALED, "sealed envelopes as stored"
    assert exported[mine["rich"]["id"]]["view_count"] == 1
    dates = [e["entry_date"] for e in document["entries"]]
    assert dates == sorted(dates), "entries in a stable order"

    # tags and links: equal to what the user created, nobody else's
    tags = json_of(api.get("/tags", headers=alice, params={"select": "id,name,created_at"}))
    assert _same_rows(document["tags"], tags)
    assert "mallory-tag" not in {t["name"] for t in document["tags"]}
    links = json_of(api.get("/entry_tags", headers=alice, params={"select": "entry_id,tag_id"}))
    assert {(link["entry_id"], link["tag_id"]) for link in document["entry_tags"]} == {
        (link["entry_id"], link["tag_id"]) for link in links
    }
    assert len(document["entry_tags"]) == 3
    assert document["counts"] == {"entries": 4, "in_trash": 1, "tags": 2, "entry_tags": 3}

    # GET works too, and says the same
    again = api.get("/rpc/export_entries", headers=alice)
    assert again.status_code == 200
    assert again.json()["entries"] == document["entries"]

    # Mallory's export holds Mallory's rows only
    hers = json_of(api.post("/rpc/export_entries", headers=mallory, json={}))
    assert [e["id"] for e in hers["entries"]] == [theirs["id"]]
    assert [t["name"] for t in hers["tags"]] == ["mallory-tag"]


def _same(left: Any, right: Any) -> bool:
    """Equal values; timestamps compared as instants (json_build_object vs PostgREST's format)."""
    if isinstance(left, str) and isinstance(right, str) and re.match(r"^\d{4}-\d\d-\d\dT", left):
        return datetime.fromisoformat(left) == datetime.fromisoformat(right)
    return bool(left == right)


def _same_rows(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> bool:
    by_id = _by_id(right)
    return len(left) == len(right) and all(
        all(_same(row[k], by_id[row["id"]][k]) for k in row) for row in left
    )


def test_export_refuses_anonymous_callers_and_unknown_formats(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    anonymous = api.post("/rpc/export_entries", headers=JOURNAL, json={})
    assert error_of(anonymous, 401)["code"] == "auth.not_authenticated"
    alice = signed_in(api, postgrest, "alice")
    csv = api.post("/rpc/export_entries", headers={**alice, "Accept": "text/csv"}, json={})
    body = error_of(csv, 406)
    assert body["code"] == "journal.unsupported_media_type"
    assert json.loads(body["details"])["field"] == "Accept"
    html = api.get("/entries", headers={**alice, "Accept": "text/html"})
    # PostgREST 12.0.2 answers 415 (PGRST107) for a media type no handler serves
    assert error_of(html, 415)["code"] == "PGRST107"
    cursor = api.post(
        "/rpc/export_entries", headers=alice, json={"after": "00000000-0000-4000-8000-000000000000"}
    )
    assert error_of(cursor, 422)["code"] == "journal.invalid_cursor"


def test_markdown_through_the_accept_header(api: httpx.Client, postgrest: ApiServer) -> None:
    alice = signed_in(api, postgrest, "alice")
    mine = _diary(api, alice)
    markdown = {**alice, "Accept": "text/markdown"}

    one = api.get("/entries", headers=markdown, params={"id": f"eq.{mine['rich']['id']}"})
    assert one.status_code == 200, one.text
    assert one.headers["content-type"].startswith("text/markdown")
    assert one.text == (
        "# Sea\n\n*2026-11-30* · sea, Work\n\n"
        "## Sunday by the **sea**\n\nCold water, warm tea.\n\n- [x] swim\n- [ ] read\n"
    )

    # anonymous readers get public entries as Markdown, without the private tags
    public = api.get(
        "/entries",
        headers={**JOURNAL, "Accept": "text/markdown"},
        params={"id": f"eq.{mine['public']['id']}"},
    )
    assert public.status_code == 200, public.text
    assert public.text == "# Open\n\n*2026-12-02*\n"

    # the whole journal: live entries in order, the sealed one as a note
    whole = api.post("/rpc/export_entries", headers=markdown, json={})
    assert whole.status_code == 200, whole.text
    assert whole.headers["content-type"].startswith("text/markdown")
    assert DISPOSITION.match(whole.headers["content-disposition"])
    assert whole.headers["content-disposition"].endswith('.md"')
    titles = re.findall(r"^# (.+)$", whole.text, flags=re.MULTILINE)
    assert titles == ["Sea", "Locked", "Open"], "the trash is not in the Markdown"
    assert "sealed (end-to-end encrypted)" in whole.text
    assert SEALED["sealed"]["ciphertext"] not in whole.text
    via_get = api.get("/rpc/export_entries", headers=markdown)
    assert via_get.text == whole.text
