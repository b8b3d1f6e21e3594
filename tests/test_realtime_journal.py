"""Journal events over real WebSocket clients: an entry's events reach its owner's
topic, public entries' events reach everyone on journal:entries, and no event carries a
diary's text (a private entry's title or content never reaches anyone else)."""

from __future__ import annotations

import contextlib
import json

import httpx

from tests.fix_postgrest import API_DB, ApiServer
from tests.gateway_process import Client, events, gateway
from tests.publishing_client import create_user, json_of, login

JOURNAL = {"Accept-Profile": "journal", "Content-Profile": "journal"}
RETURN = {"Prefer": "return=representation"}
SECRET = "Lighthouse-secret-words"


def test_public_and_private_entries_reach_only_who_may_read_them(
    postgrest: ApiServer, api: httpx.Client
) -> None:
    alice = {**login(api, create_user(postgrest.db_url, [], "alice")), **JOURNAL}
    bob = {**login(api, create_user(postgrest.db_url, [], "bob")), **JOURNAL}
    alice_id = json_of(api.get("/rpc/me", headers={"Authorization": alice["Authorization"]}))["id"]
    text = {"blocks": [{"type": "paragraph", "data": {"text": SECRET}}]}

    def post(title: str, public: bool) -> str:
        body = {"title": f"{title} {SECRET}", "content": text, "is_public": public}
        entry_id: str = json_of(api.post("/entries", headers={**alice, **RETURN}, json=body))[0][
            "id"
        ]
        return entry_id

    with gateway(API_DB) as gw, contextlib.ExitStack() as stack:
        token = {
            n: h["Authorization"].removeprefix("Bearer ") for n, h in (("a", alice), ("b", bob))
        }
        owner = stack.enter_context(Client.open(gw.realtime_url, token["a"]))
        other = stack.enter_context(Client.open(gw.realtime_url, token["b"]))
        anonymous = stack.enter_context(Client.open(gw.realtime_url))
        for client in (owner, other, anonymous):
            client.subscribe("journal:entries")
        owner.subscribe(f"user:{alice_id}")
        other.send("subscribe", topic=f"user:{alice_id}")
        assert other.expect("error")["code"] == "forbidden", "only alice follows her own topic"

        private = post("Private", public=False)
        public = post("Public", public=True)
        json_of(
            api.patch(
                "/entries", headers=alice, params={"id": f"eq.{public}"}, json={"is_public": False}
            )
        )

        def withdrawn(m: dict[str, object]) -> bool:
            return m.get("op") == "event" and m.get("type") == "entry.withdrawn"

        # Events arrive in commit order: once the withdrawal is in, the earlier ones are too.
        seen = {
            "owner": owner.until(withdrawn) + owner.quiet(0.5),
            "other": other.until(withdrawn) + other.quiet(0.5),
            "anonymous": anonymous.until(withdrawn) + anonymous.quiet(0.5),
        }

    def ids(name: str, topic: str) -> list[tuple[str, str]]:
        return [(m["type"], m["data"]["record"]["id"]) for m in events(seen[name], topic)]

    assert ids("owner", f"user:{alice_id}") == [
        ("entry.created", private),
        ("entry.created", public),
        ("entry.updated", public),
        ("entry.withdrawn", public),
    ], "the owner's devices get every change of her entries"
    assert ids("owner", "journal:entries") == ids("owner", f"user:{alice_id}")
    for name in ("other", "anonymous"):
        assert ids(name, "journal:entries") == [
            ("entry.created", public),
            ("entry.withdrawn", public),
        ], f"{name} sees the public entry come and go, never the private one"
    for name, messages in seen.items():
        assert SECRET not in json.dumps(messages), f"no text reaches {name}, not even the owner"
