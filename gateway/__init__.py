"""The asyncio gateway: health checks now, realtime fan-out later."""
