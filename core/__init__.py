"""The shared core below ``gateway/`` and ``ops/``: settings, errors, secrets, URLs.

Import rules (docs/decisions/0011-core-package.md; enforced by tests/test_code_quality.py):
``core`` imports only the standard library and third-party packages, never ``gateway``,
``ops``, ``bench`` or ``tests``; ``ops`` never imports ``gateway``; and no project
module imports itself back through a chain of imports.
"""
