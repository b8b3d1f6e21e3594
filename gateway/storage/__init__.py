"""The storage service: uploads, downloads and deletions of files, inside the gateway.

An aiohttp server on ``PLATFORM_STORAGE_PORT`` beside the WebSocket server
(`gateway.server`). Every decision is SQL's, asked as the caller
(`gateway.storage.caller`); this package streams bytes, reads their type from magic
bytes, decodes images under a pixel limit, strips their metadata, makes variants in
worker threads and keeps the file tree in step with ``storage.objects``.

Modules: `errors` (the PostgREST-shaped answers), `caller` (who calls; SQL as the
caller), `sniff` (types from magic bytes), `images` (Pillow), `tree` (the files on
disk), `variants` (background workers), `keeper` (deletion queue and orphan sweep),
`service` (the routes), `jobs_db` (the platform_jobs connections). See docs/storage.md.
"""
