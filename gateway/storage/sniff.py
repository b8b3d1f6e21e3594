"""What a file is, from its first bytes (magic numbers), never from its name or the
Content-Type the client sent.

puremagic (pure Python, a table of signatures) names the type; a head it does not know
that decodes as UTF-8 without NUL bytes is ``text/plain``; anything else is unknown
(None), which no bucket allows. Images are confirmed by decoding them (`images`).
"""

from __future__ import annotations

import puremagic

#: Bytes of the body read before the upload is authorised: enough for every signature.
HEAD_BYTES = 8192

#: The types Pillow decodes here: their pixel size is measured, their metadata stripped
#: and their variants made. Other types are stored as sent.
IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


def content_type(head: bytes) -> str | None:
    """The MIME type the first bytes of a file show, or None."""
    if not head:
        return None
    try:
        found = puremagic.from_string(head, mime=True)
    except (puremagic.PureError, ValueError):
        found = ""
    if found:
        return str(found).lower()
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the head is still text.
            if exc.start < len(head) - 3:
                return None
        return "text/plain"
    return None
