"""The asyncio gateway on one port: realtime fan-out over WebSocket (``/realtime``),
``/healthz`` and ``/metrics``, plus the scheduler of due jobs and backups.

Start it with ``python -m gateway`` (``inv up`` does); `gateway.server` wires it up.
"""
