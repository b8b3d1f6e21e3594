"""The micro-cache of anonymous reads on /rest/: hits, what bypasses it, what it never
stores, what its key holds, and a change through the API seen within the cache time.

``/rest/rpc/fd_now?tag=...`` (a test function) answers the time it ran: the same body
twice means the second came from the cache. Each test tags its own URLs."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from tests.fix_frontdoor import Door, Upstreams, serving_frontdoor
from tests.publishing_client import PUBLISHING, create_user, json_of, login


def tagged(function: str = "fd_now") -> str:
    return f"/rest/rpc/{function}?tag={uuid.uuid4().hex}"


def twice(client: httpx.Client, url: str, **kwargs: object) -> tuple[httpx.Response, ...]:
    return client.get(url, **kwargs), client.get(url, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def token(upstreams: Upstreams) -> str:
    with httpx.Client(base_url=upstreams.postgrest.url) as direct:
        headers = login(direct, create_user(upstreams.postgrest.db_url, ["reader"], "cached"))
    return headers["Authorization"]


def test_an_anonymous_get_is_served_from_the_cache_the_second_time(door: httpx.Client) -> None:
    first, second = twice(door, tagged())
    assert first.status_code == second.status_code == 200
    assert first.headers["x-cache-status"] == "MISS"
    assert second.headers["x-cache-status"] == "HIT"
    assert second.json() == first.json(), "the same answer, not run again"


def test_a_token_or_a_cookie_skips_the_cache_both_ways(door: httpx.Client, token: str) -> None:
    for headers in ({"Authorization": token}, {"Cookie": "theme=dark"}):  # any cookie
        url = tagged()
        first, second = twice(door, url, headers=headers)
        assert [first.headers["x-cache-status"], second.headers["x-cache-status"]] == [
            "BYPASS",
            "BYPASS",
        ], headers
        assert first.json() != second.json(), "each ran in SQL"
        anonymous = door.get(url)
        assert anonymous.headers["x-cache-status"] == "MISS", f"{headers} stored nothing"


def test_private_answers_and_answers_setting_cookies_are_never_stored(door: httpx.Client) -> None:
    for function in ("fd_private", "fd_cookie"):
        url = tagged(function)
        first = door.get(url)
        door.cookies.clear()  # the second request is anonymous again
        second = door.get(url)
        assert first.status_code == 200, first.text
        assert second.headers["x-cache-status"] == "MISS", f"{function} was not stored"
        assert first.json() != second.json()
    assert "set-cookie" in door.get(tagged("fd_cookie")).headers


@pytest.mark.parametrize(
    "header",
    [
        {"Accept-Profile": "api"},
        {"Prefer": "count=exact"},
        {"Range": "0-0"},
        {"Accept": "application/vnd.pgrst.object+json"},
    ],
)
def test_the_key_holds_every_header_that_shapes_the_answer(
    door: httpx.Client, header: dict[str, str]
) -> None:
    url = tagged()
    assert twice(door, url)[1].headers["x-cache-status"] == "HIT"
    shaped = door.get(url, headers=header)
    assert shaped.headers["x-cache-status"] == "MISS", f"{header} is a different answer"
    assert door.get(url + "&select=at").headers["x-cache-status"] == "MISS", "so is the query"
    assert door.head(url).headers["x-cache-status"] == "MISS", "and the method"


def test_a_change_through_the_api_is_seen_within_the_cache_time(
    frontdoor: Door, upstreams: Upstreams
) -> None:
    with httpx.Client(base_url=upstreams.postgrest.url) as direct:
        editor = login(direct, create_user(upstreams.postgrest.db_url, ["editor"], "fresh"))
    title = f"Fresh {uuid.uuid4().hex}"
    cards = f"/rest/article_cards?title=eq.{title}&select=id"
    with frontdoor.client() as client:
        assert client.get(cards, headers=PUBLISHING).json() == []
        assert client.get(cards, headers=PUBLISHING).headers["x-cache-status"] == "HIT"
        article = json_of(
            client.post(
                "/rest/articles",
                headers={**editor, "Prefer": "return=representation"},
                json={"title": title},
            )
        )[0]
        json_of(
            client.post(
                "/rest/rpc/publish_article", headers=editor, json={"article_id": article["id"]}
            )
        )
        published = time.monotonic()
        while True:
            seen = client.get(cards, headers=PUBLISHING).json()
            waited = time.monotonic() - published
            if seen == [{"id": article["id"]}]:
                break
            assert waited < frontdoor.config.cache_seconds + 1.5, "still the cached answer"
            time.sleep(0.1)
    # nginx counts cache validity in whole seconds: up to the cache time plus one.
    assert waited <= frontdoor.config.cache_seconds + 1.0 + 0.2, waited


def test_with_the_cache_off_nothing_is_cached(upstreams: Upstreams) -> None:
    config = upstreams.config("nocache", cache_seconds=0)
    with serving_frontdoor(config) as door, door.client() as client:
        first, second = twice(client, tagged())
    assert "x-cache-status" not in second.headers
    assert first.json() != second.json()
