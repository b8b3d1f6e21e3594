"""The journal module through the real PostgREST, as a journaling frontend uses it."""

from __future__ import annotations

import base64
import json
import os
import uuid
from typing import Any

import httpx
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.fix_postgrest import ApiServer
from tests.publishing_client import create_user, json_of, login

JOURNAL = {"Accept-Profile": "journal", "Content-Profile": "journal"}
RETURN = {"Prefer": "return=representation"}

BLOCKS: dict[str, Any] = {
    "time": 1733580000000,
    "version": "2.28.2",
    "blocks": [
        {"id": "h1", "type": "header", "data": {"text": "Sunday by the <b>sea</b>", "level": 2}},
        {"id": "p1", "type": "paragraph", "data": {"text": "Cold water, warm&nbsp;tea."}},
        {
            "id": "c1",
            "type": "checklist",
            "data": {
                "items": [{"text": "swim", "checked": True}, {"text": "read", "checked": False}]
            },
        },
    ],
}


def signed_in(api: httpx.Client, postgrest: ApiServer, prefix: str) -> dict[str, str]:
    return {**login(api, create_user(postgrest.db_url, [], prefix)), **JOURNAL}


def new_entry(api: httpx.Client, who: dict[str, str], **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = json_of(
        api.post("/entries", headers={**who, **RETURN}, json={"title": "A day", **fields})
    )[0]
    return entry


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    body: dict[str, Any] = response.json()
    return body


def test_write_edit_trash_restore_and_view(api: httpx.Client, postgrest: ApiServer) -> None:
    alice = signed_in(api, postgrest, "alice")
    entry = new_entry(api, alice, title="  Sunday  ", content=BLOCKS)
    assert entry["title"] == "Sunday"
    assert uuid.UUID(entry["id"]).version == 4, "ids are random uuids"
    assert entry["plain_text"] == "Sunday by the sea\nCold water, warm tea.\nswim\nread"
    assert (entry["word_count"], entry["reading_minutes"], entry["version"]) == (10, 1, 1)
    assert entry["is_public"] is False
    assert entry["sealed"] is False
    by_id = {"id": f"eq.{entry['id']}"}

    edited = json_of(
        api.patch(
            "/entries",
            headers={**alice, **RETURN},
            params=by_id,
            json={"title": "Sun", "version": 1},
        )
    )
    assert edited[0]["version"] == 2
    stale = api.patch("/entries", headers=alice, params=by_id, json={"title": "Lost", "version": 1})
    body = error_of(stale, 409)
    assert body["code"] == "journal.version_conflict"
    assert json.loads(body["details"]) == {"current_version": 2}

    # to the trash and back
    json_of(
        api.patch(
            "/entries", headers=alice, params=by_id, json={"deleted_at": "2000-01-01T00:00:00Z"}
        )
    )
    trashed = json_of(
        api.get("/entries", headers=alice, params={**by_id, "deleted_at": "not.is.null"})
    )
    assert len(trashed) == 1
    assert trashed[0]["deleted_at"] > "2020", "the server stamps the time"
    edit_in_trash = api.patch("/entries", headers=alice, params=by_id, json={"title": "x"})
    assert error_of(edit_in_trash, 409)["code"] == "journal.entry_deleted"
    json_of(api.patch("/entries", headers=alice, params=by_id, json={"deleted_at": None}))

    viewed = json_of(api.post("/rpc/record_view", headers=alice, json={"entry_id": entry["id"]}))
    assert viewed["view_count"] == 1

    # an unfiltered PATCH or DELETE is refused
    unfiltered = api.delete("/entries", headers=alice)
    assert error_of(unfiltered, 400)["code"] == "platform.filter_required"


def test_others_and_anonymous_learn_nothing_of_a_private_or_deleted_entry(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    alice = signed_in(api, postgrest, "alice")
    mallory = signed_in(api, postgrest, "mallory")
    private = new_entry(api, alice, title="Private")
    public = new_entry(api, alice, title="Public", is_public=True)
    trashed = new_entry(api, alice, title="Trashed", is_public=True)
    json_of(
        api.patch(
            "/entries",
            headers=alice,
            params={"id": f"eq.{trashed['id']}"},
            json={"deleted_at": "now"},
        )
    )
    missing = str(uuid.uuid4())
    count = {"Prefer": "count=exact"}

    def told(headers: dict[str, str], entry_id: str) -> list[tuple[int, str, str | None]]:
        by_id = {"id": f"eq.{entry_id}"}
        answers = [
            api.get("/entries", headers={**headers, **count}, params=by_id),
            api.patch("/entries", headers=headers, params=by_id, json={"title": "mine"}),
            api.patch("/entries", headers=headers, params=by_id, json={"deleted_at": None}),
            api.delete("/entries", headers=headers, params=by_id),
            api.post("/rpc/record_view", headers=headers, json={"entry_id": entry_id}),
        ]
        return [(r.status_code, r.text, r.headers.get("content-range")) for r in answers]

    anonymous = dict(JOURNAL)
    for who in (mallory, anonymous):
        for entry in (private, trashed):
            assert told(who, entry["id"]) == told(who, missing), (
                "the answer of an id that does not exist"
            )
        listed = json_of(api.get("/entries", headers={**who, **count}, params={"title": "neq.x"}))
        assert [e["title"] for e in listed if e["owner_id"] == alice_id(api, alice)] == ["Public"]
    assert told(mallory, private["id"])[0] == (200, "[]", "*/0")

    mallory_tag = json_of(api.post("/tags", headers={**mallory, **RETURN}, json={"name": "mine"}))[
        0
    ]
    for entry_id in (private["id"], public["id"], missing):
        tagged = api.post(
            "/entry_tags", headers=mallory, json={"entry_id": entry_id, "tag_id": mallory_tag["id"]}
        )
        assert error_of(tagged, 404)["code"] == "journal.entry_not_found"
    assert (
        json_of(api.get("/entries", headers=mallory, params={"id": f"eq.{public['id']}"}))[0][
            "title"
        ]
        == "Public"
    )
    refused = api.patch(
        "/entries", headers=mallory, params={"id": f"eq.{public['id']}"}, json={"title": "x"}
    )
    assert refused.status_code == 204, "no row matched: nothing to say"
    again = json_of(api.get("/entries", headers=alice, params={"id": f"eq.{public['id']}"}))
    assert again[0]["title"] == "Public", "a public entry is read-only to others"


def alice_id(api: httpx.Client, alice: dict[str, str]) -> str:
    mine = json_of(api.get("/entries", headers=alice, params={"select": "owner_id", "limit": "1"}))
    owner: str = mine[0]["owner_id"]
    return owner


def test_errors_name_the_field_with_stable_codes(api: httpx.Client, postgrest: ApiServer) -> None:
    writer = signed_in(api, postgrest, "writer")
    cases: list[tuple[dict[str, Any], int, str, str]] = [
        ({"title": "   "}, 422, "journal.invalid_title", "title: "),
        (
            {
                "content": {
                    "blocks": [
                        {"type": "paragraph", "data": {"text": "ok"}},
                        {"type": "gif", "data": {}},
                    ]
                }
            },
            422,
            "journal.invalid_content",
            "content.blocks[1].type: unknown block type 'gif'",
        ),
        (
            {"content": {"blocks": [{"type": "header", "data": {"text": "x", "level": 9}}]}},
            422,
            "journal.invalid_content",
            "content.blocks[0].data.level: must be a whole number from 1 to 6",
        ),
        (
            {"content": {"blocks": [{"type": "paragraph", "data": {"text": "x" * 1_100_000}}]}},
            413,
            "journal.content_too_large",
            "content: at most 1 MB",
        ),
    ]
    for fields, status, code, message in cases:
        body = error_of(api.post("/entries", headers=writer, json={"title": "t", **fields}), status)
        assert (body["code"], body["message"][: len(message)]) == (code, message), body
    written = json_of(api.get("/entries", headers=writer, params={"title": "eq.t"}))
    assert written == [], "nothing was written"

    json_of(api.post("/tags", headers=writer, json={"name": "Travel"}))
    duplicate = api.post("/tags", headers=writer, json={"name": "TRAVEL"})
    assert error_of(duplicate, 409)["code"] == "journal.tag_exists"
    bad = api.post("/tags", headers=writer, json={"name": "a\tb"})
    assert error_of(bad, 422)["code"] == "journal.invalid_tag_name"


def test_tags_embed_through_entry_tags(api: httpx.Client, postgrest: ApiServer) -> None:
    writer = signed_in(api, postgrest, "writer")
    entry = new_entry(api, writer, title="Tagged")
    tags = json_of(
        api.post("/tags", headers={**writer, **RETURN}, json=[{"name": "sea"}, {"name": "family"}])
    )
    json_of(
        api.post(
            "/entry_tags",
            headers=writer,
            json=[{"entry_id": entry["id"], "tag_id": t["id"]} for t in tags],
        )
    )
    embedded = json_of(
        api.get(
            "/entries",
            headers=writer,
            params={"select": "title,tags(name)", "tags.order": "name", "id": f"eq.{entry['id']}"},
        )
    )
    assert embedded == [{"title": "Tagged", "tags": [{"name": "family"}, {"name": "sea"}]}]


def test_a_sealed_entry_is_stored_unread_and_opened_by_the_client(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    writer = signed_in(api, postgrest, "writer")
    key = AESGCM.generate_key(bit_length=256)  # never leaves the client
    iv = os.urandom(12)
    secret = json.dumps(BLOCKS).encode()
    envelope = {
        "sealed": {
            "alg": "AES-256-GCM",
            "iv": base64.b64encode(iv).decode(),
            "ciphertext": base64.b64encode(AESGCM(key).encrypt(iv, secret, None)).decode(),
        }
    }
    entry = new_entry(api, writer, title="Lighthouse dinner", content=envelope)
    assert (entry["sealed"], entry["plain_text"], entry["word_count"]) == (True, "", 0)

    stored = json_of(api.get("/entries", headers=writer, params={"id": f"eq.{entry['id']}"}))[0]
    assert stored["content"] == envelope, "stored as sent"
    sealed = stored["content"]["sealed"]
    opened = AESGCM(key).decrypt(
        base64.b64decode(sealed["iv"]), base64.b64decode(sealed["ciphertext"]), None
    )
    assert json.loads(opened) == BLOCKS

    def found(word: str) -> list[Any]:
        hits: list[Any] = json_of(
            api.get(
                "/entries",
                headers=writer,
                params={"select": "title", "search": f"fts(simple).{word}"},
            )
        )
        return hits

    assert found("lighthouse") == [{"title": "Lighthouse dinner"}], (
        "the plain title stays searchable"
    )
    assert found("swim") == [], "the sealed text is not"


def test_trash_lists_restores_and_purges_for_the_owner_only(
    api: httpx.Client, postgrest: ApiServer
) -> None:
    alice = signed_in(api, postgrest, "alice")
    mallory = signed_in(api, postgrest, "mallory")
    kept = new_entry(api, alice, title="Kept")
    first = new_entry(api, alice, title="First deleted")
    second = new_entry(api, alice, title="Second deleted")
    for entry in (first, second):
        json_of(
            api.patch(
                "/entries",
                headers=alice,
                params={"id": f"eq.{entry['id']}"},
                json={"deleted_at": "now"},
            )
        )
    trash = json_of(api.get("/trash", headers=alice))
    assert [e["title"] for e in trash] == ["Second deleted", "First deleted"], "newest first"
    assert json_of(api.get("/trash", headers=mallory)) == []
    assert json_of(api.get("/trash", headers=dict(JOURNAL))) == []

    not_in_trash = api.post("/rpc/purge_entry", headers=alice, json={"entry_id": kept["id"]})
    assert error_of(not_in_trash, 409)["code"] == "journal.not_in_trash"

    def told(headers: dict[str, str], entry_id: str) -> list[tuple[int, str]]:
        answers = [
            api.post(f"/rpc/{rpc}", headers=headers, json={"entry_id": entry_id})
            for rpc in ("restore_entry", "purge_entry")
        ]
        return [(r.status_code, r.text) for r in answers]

    missing = str(uuid.uuid4())
    for entry_id in (first["id"], kept["id"]):
        assert told(mallory, entry_id) == told(mallory, missing)
    assert told(mallory, missing)[0][0] == 404
    assert json.loads(told(mallory, missing)[0][1])["code"] == "journal.entry_not_found"
    anonymous = told(dict(JOURNAL), first["id"])
    assert anonymous == told(dict(JOURNAL), missing)
    assert anonymous[0][0] == 401

    restored = json_of(
        api.post("/rpc/restore_entry", headers=alice, json={"entry_id": first["id"]})
    )
    assert restored["deleted_at"] is None
    purged = json_of(api.post("/rpc/purge_entry", headers=alice, json={"entry_id": second["id"]}))
    assert purged == {"id": second["id"], "purged": True}
    assert json_of(api.get("/trash", headers=alice)) == []
    mine = {"owner_id": f"eq.{kept['owner_id']}"}
    titles = {e["title"] for e in json_of(api.get("/entries", headers=alice, params=mine))}
    assert titles == {"Kept", "First deleted"}


def test_calendar_counts_days_and_streaks(api: httpx.Client, postgrest: ApiServer) -> None:
    alice = signed_in(api, postgrest, "alice")
    mallory = signed_in(api, postgrest, "mallory")
    for day in ("2024-02-10", "2024-02-11", "2024-02-11", "2024-02-12", "2024-02-20"):
        new_entry(api, alice, entry_date=day)
    new_entry(api, mallory, entry_date="2024-02-01")
    month = json_of(api.get("/rpc/calendar", headers=alice, params={"month": "2024-02"}))
    assert month["month"] == "2024-02"
    assert len(month["days"]) == 29
    assert month["days"][10] == {"date": "2024-02-11", "entries": 2}
    assert month["days"][0] == {"date": "2024-02-01", "entries": 0}, "mallory's entry is hers"
    assert (month["total"], month["longest_streak"], month["current_streak"]) == (5, 3, 0)

    posted = json_of(api.post("/rpc/calendar", headers=alice, json={"month": "2024-02"}))
    assert posted == month
    bad = api.post("/rpc/calendar", headers=alice, json={"month": "2024-2"})
    body = error_of(bad, 422)
    assert body["code"] == "journal.invalid_month"
    assert json.loads(body["details"]) == {"field": "month"}
