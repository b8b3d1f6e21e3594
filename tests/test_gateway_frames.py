"""The gateway's prepared frames are the frames websockets itself would send, and its
event-loop setting refuses what it cannot run."""

from __future__ import annotations

import pytest
from websockets.protocol import State
from websockets.server import ServerProtocol

from core.errors import SettingsError
from core.settings import Settings
from gateway import frames


def library_frame(message: str) -> bytes:
    """What websockets' own server protocol writes for ``send_text(message)``."""
    protocol = ServerProtocol()
    protocol.state = State.OPEN
    protocol.send_text(message.encode())
    return b"".join(protocol.data_to_send())


@pytest.mark.parametrize(
    "message",
    ["{}", '{"op": "event", "data": "' + "x" * 200 + '"}', "é€😀" * 30_000],
    ids=["7-bit length", "16-bit length", "64-bit length, multi-byte UTF-8"],
)
def test_a_prepared_frame_is_the_frame_the_library_sends(message: str) -> None:
    assert frames.prepare(message) == library_frame(message), (
        "one frame written to every subscriber must be byte for byte what websockets sends"
    )


def test_an_unknown_event_loop_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="PLATFORM_GATEWAY_EVENT_LOOP"):
        Settings.from_env({"PLATFORM_GATEWAY_EVENT_LOOP": "trio"})
    assert Settings.from_env({}).gateway_event_loop == "uvloop", "uvloop is the default"
    assert Settings.from_env({"PLATFORM_GATEWAY_EVENT_LOOP": "asyncio"}).gateway_event_loop == (
        "asyncio"
    )


def test_the_read_interval_is_bounded_and_named_when_wrong() -> None:
    assert Settings.from_env({}).realtime_read_interval_seconds == 0.025, "25 ms by default"
    assert (
        Settings.from_env({"PLATFORM_REALTIME_READ_INTERVAL": "0"}).realtime_read_interval_seconds
        == 0
    )
    for wrong in ("-1", "10", "soon"):
        with pytest.raises(SettingsError, match="PLATFORM_REALTIME_READ_INTERVAL"):
            Settings.from_env({"PLATFORM_REALTIME_READ_INTERVAL": wrong})
