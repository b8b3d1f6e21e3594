"""The test suite: real PostgreSQL, real PostgREST, real WebSocket clients."""
