"""The bench's tick table (bench.ticks, created by bench.realtime), unmanaged."""

from __future__ import annotations

from django.db import models


class Tick(models.Model):
    id = models.BigAutoField(primary_key=True)  # generated always as identity
    shard = models.IntegerField()
    sent_at = models.FloatField()  # epoch seconds, taken as the producer sends its transaction

    class Meta:
        managed = False
        db_table = "ticks"  # schema bench: on the connection's search_path (peer.settings)

    @property
    def topic(self) -> str:
        return f"bench:shard:{self.shard}"
