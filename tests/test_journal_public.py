"""The journal's public side and images through real components: the real PostgREST
binary and the real gateway's storage service over one database. Authors are embedded
in the public feed, a private-only diarist stays invisible; an image uploaded to the
private journalimages bucket is readable by others only while a public, live entry of
its owner shows it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pytest_postgresql.executors.noop import NoopExecutor

from tests.fix_postgrest import ApiServer, serving
from tests.gateway_process import GatewayProcess, gateway
from tests.storage_client import Db, bearer, clone, drop, photo
from tests.waiting import wait_for

JOURNAL = {"Accept-Profile": "journal", "Content-Profile": "journal"}
RETURN = {"Prefer": "return=representation"}
#: The public feed: GET /entries with these parameters (and limit, and the keyset below).
FEED = {
    "select": "id,title,entry_date,created_at,author:authors(display_name,avatar_url)",
    "is_public": "is.true",
    "deleted_at": "is.null",
    "order": "entry_date.desc,created_at.desc",
}


@pytest.fixture(scope="module")
def journal_db(platform_template: NoopExecutor) -> Iterator[Db]:
    db = clone(platform_template, "journalpub")
    try:
        yield db
    finally:
        drop(db)


@pytest.fixture(scope="module")
def gw(journal_db: Db) -> Iterator[GatewayProcess]:
    with gateway(journal_db.name, {"PLATFORM_STORAGE_SWEEP_SECONDS": "0"}) as running:
        yield running


@pytest.fixture(scope="module")
def rest(journal_db: Db) -> Iterator[ApiServer]:
    with serving(journal_db.url, name="postgrest-journal-public") as server:
        yield server


def as_user(token: str | None) -> dict[str, str]:
    return {**JOURNAL, **({} if token is None else bearer(token))}


def image_block(url: str) -> dict[str, Any]:
    return {"type": "image", "data": {"file": {"url": url}, "caption": "the river"}}


def test_an_image_is_read_by_others_only_while_a_public_entry_shows_it(
    journal_db: Db, gw: GatewayProcess, rest: ApiServer
) -> None:
    alice, alice_token = journal_db.user()
    _, bob_token = journal_db.user()
    uploaded = httpx.post(
        f"{gw.storage_url}/storage/object/journalimages/{alice}/river.png",
        content=photo("PNG", (2000, 1000)),
        headers=bearer(alice_token),
        timeout=30,
    )
    assert uploaded.status_code == 201, uploaded.text
    url = uploaded.json()["url"]
    assert url == f"/storage/object/journalimages/{alice}/river.png", "a private object's URL"

    def status(token: str | None, path: str = url) -> int:
        return httpx.get(
            f"{gw.storage_url}{path}", headers=bearer(token) if token else {}
        ).status_code

    with httpx.Client(base_url=rest.url, timeout=10) as api:
        # Bob cannot show Alice's image, even in his own entry.
        stolen = api.post(
            "/entries",
            headers=as_user(bob_token),
            json={"title": "Mine", "is_public": True, "content": {"blocks": [image_block(url)]}},
        )
        assert stolen.status_code == 422, stolen.text
        assert stolen.json()["code"] == "journal.image_not_yours"
        assert json.loads(stolen.json()["details"]) == {"field": "content.blocks[0].data.file.url"}

        made = api.post(
            "/entries",
            headers={**as_user(alice_token), **RETURN},
            json={"title": "River", "content": {"blocks": [image_block(url)]}},
        )
        assert made.status_code == 201, made.text
        entry = made.json()[0]
        assert entry["image_paths"] == [f"{alice}/river.png"]
        by_id = {"id": f"eq.{entry['id']}"}
        assert (status(alice_token), status(bob_token), status(None)) == (200, 404, 404), (
            "a private entry's image: its owner only"
        )

        def publish(public: bool) -> None:
            answer = api.patch(
                "/entries", headers=as_user(alice_token), params=by_id, json={"is_public": public}
            )
            assert answer.status_code == 204, answer.text

        publish(True)
        assert (status(alice_token), status(bob_token), status(None)) == (200, 200, 200), (
            "a public entry's image: everyone"
        )
        served = httpx.get(f"{gw.storage_url}{url}")
        assert served.headers["Content-Type"] == "image/png"
        assert served.headers["Cache-Control"] == "private, no-cache", "never cached as public"

        # Its display variant, once made, follows the same rule.
        def variants() -> dict[str, Any]:
            ((found,),) = journal_db.run(
                "select variants from storage.objects"
                " where bucket_id = 'journalimages' and path = %s",
                f"{alice}/river.png",
            )
            return dict(found)

        wait_for(lambda: "display" in variants())
        display = variants()["display"]
        assert (display["width"], display["type"]) == (1600, "image/webp")
        assert status(None, display["url"]) == 200

        publish(False)
        assert (status(alice_token), status(bob_token), status(None)) == (200, 404, 404), (
            "private again: its owner only"
        )
        assert status(None, display["url"]) == 404
        publish(True)
        trashed = api.patch(
            "/entries",
            headers=as_user(alice_token),
            params=by_id,
            json={"deleted_at": "2026-01-01T00:00:00Z"},
        )
        assert trashed.status_code == 204, trashed.text
        assert (status(alice_token), status(bob_token), status(None)) == (200, 404, 404), (
            "an entry in the trash shows its images to nobody else"
        )


def test_the_public_feed_embeds_authors_and_hides_private_diarists(
    journal_db: Db, rest: ApiServer
) -> None:
    writer, writer_token = journal_db.user()
    hermit, hermit_token = journal_db.user()
    with httpx.Client(base_url=rest.url, timeout=10) as api:
        named = api.patch(
            "/authors",
            headers=as_user(writer_token),
            params={"user_id": f"eq.{writer}"},
            json={
                "display_name": "W. Riter",
                "bio": "Writes by the sea.",
                "timezone": "Europe/Paris",
            },
        )
        assert named.status_code == 204, named.text
        bad = api.patch(
            "/authors",
            headers=as_user(writer_token),
            params={"user_id": f"eq.{writer}"},
            json={"timezone": "Europe/Atlantis"},
        )
        assert bad.status_code == 422
        assert bad.json()["code"] == "journal.invalid_timezone"
        assert json.loads(bad.json()["details"]) == {"field": "timezone"}
        for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
            made = api.post(
                "/entries",
                headers=as_user(writer_token),
                json={"title": f"Public {day}", "entry_date": day, "is_public": True},
            )
            assert made.status_code == 201, made.text
        secret = api.post("/entries", headers=as_user(hermit_token), json={"title": "Nobody knows"})
        assert secret.status_code == 201, secret.text

        for who in (None, hermit_token):
            page = api.get("/entries", params={**FEED, "limit": "2"}, headers=as_user(who))
            assert page.status_code == 200, page.text
            rows = [r for r in page.json() if r["author"]["display_name"] == "W. Riter"]
            assert [r["title"] for r in rows] == ["Public 2026-12-03", "Public 2026-12-02"]
            assert rows[0]["author"] == {"display_name": "W. Riter", "avatar_url": None}
        # The next page: keyset on (entry_date, created_at), no offset.
        last = rows[-1]
        after = {
            "or": f"(entry_date.lt.{last['entry_date']},"
            f"and(entry_date.eq.{last['entry_date']},created_at.lt.{last['created_at']}))",
            "limit": "2",
        }
        answer = api.get("/entries", params={**FEED, **after}, headers=as_user(None))
        assert answer.status_code == 200, answer.text
        more = answer.json()
        assert [r["title"] for r in more if r["author"]["display_name"] == "W. Riter"] == [
            "Public 2026-12-01"
        ]

        counted = {"Prefer": "count=exact"}
        for who in (None, writer_token):
            hidden = api.get(
                "/authors", headers={**as_user(who), **counted}, params={"user_id": f"eq.{hermit}"}
            )
            assert hidden.status_code == 200
            assert (hidden.json(), hidden.headers["Content-Range"]) == ([], "*/0"), (
                "a private-only diarist does not exist for others"
            )
        mine = api.get(
            "/authors", headers=as_user(hermit_token), params={"user_id": f"eq.{hermit}"}
        )
        assert [r["public_entries"] for r in mine.json()] == [0], "but reads their own row"
        public = api.get("/authors", headers=as_user(None), params={"user_id": f"eq.{writer}"})
        assert [(r["display_name"], r["bio"], r["public_entries"]) for r in public.json()] == [
            ("W. Riter", "Writes by the sea.", 3)
        ]
        # An author lists their public entries through the reverse embedding.
        nested = api.get(
            "/authors",
            headers=as_user(None),
            params={"select": "display_name,entries(title)", "user_id": f"eq.{writer}"},
        ).json()
        assert sorted(e["title"] for e in nested[0]["entries"]) == [
            "Public 2026-12-01",
            "Public 2026-12-02",
            "Public 2026-12-03",
        ]
