"""Saving a tick broadcasts it: post_save -> on commit -> group_send to the topic's group.

The send waits for the commit (``transaction.on_commit``), so clients only ever see
committed rows, as with the gateway's outbox. Each message is serialized here, once;
consumers forward its text as is.

For speed, the saves of one transaction share one commit hook: the handler adds its
event to the transaction's pending `Broadcast` (the last hook registered, if it belongs
to the same savepoint) and the hook sends them all in one ``async_to_sync`` call. One
hook per row, the textbook form, pays a thread hop per event: it added twice the
producer CPU per saved row (docs/benchmarks.md, bench.realtime). A savepoint rolled
back drops its own hook, and its events with it, as Django drops any on_commit callback
registered inside it.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from ticks import wire
from ticks.models import Tick


class Broadcast:
    """An on_commit hook: the group messages of one transaction (or savepoint), in order."""

    def __init__(self, savepoints: set[str]) -> None:
        self.savepoints = savepoints
        self.events: list[tuple[str, dict[str, str]]] = []

    def __call__(self) -> None:
        async_to_sync(self.send)()

    async def send(self) -> None:
        layer = get_channel_layer()
        for group, event in self.events:
            await layer.group_send(group, event)


@receiver(post_save, sender=Tick, dispatch_uid="ticks.broadcast")
def broadcast(sender: type[Tick], instance: Tick, created: bool, using: str, **kwargs: Any) -> None:
    if not created:
        return
    message = (wire.group_name(instance.topic),
               {"type": wire.GROUP_MESSAGE_TYPE, "text": wire.message(instance)})  # fmt: skip
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:  # autocommit: the row is committed already
        hook = Broadcast(set())
        hook.events.append(message)
        hook()
        return
    pending(connection).events.append(message)


def pending(connection: Any) -> Broadcast:
    """The open transaction's (or savepoint's) Broadcast hook, registered on first use."""
    savepoints = set(connection.savepoint_ids)
    # run_on_commit holds (savepoint ids, callable, robust) in registration order.
    if connection.run_on_commit:
        _, hook, _ = connection.run_on_commit[-1]
        if isinstance(hook, Broadcast) and hook.savepoints == savepoints:
            return hook
    hook = Broadcast(savepoints)
    transaction.on_commit(hook, using=connection.alias)
    return hook
