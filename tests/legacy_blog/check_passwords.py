"""Django's own verdict on passwords (run in its own process by ``django_check_passwords``).

    echo '[["clear text", "pbkdf2_sha256$..."]]' | python -m tests.legacy_blog.check_passwords

prints a JSON list of booleans: ``django.contrib.auth.hashers.check_password`` for each
(clear text, stored hash) pair, under Django's default hashers.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    import django
    from django.conf import settings

    settings.configure()
    django.setup()
    from django.contrib.auth.hashers import check_password

    pairs = json.load(sys.stdin)
    json.dump([bool(check_password(clear, encoded)) for clear, encoded in pairs], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
