"""Django's own reading of a legacy blog database (run in its own process by ``django_review``).

    python -m tests.legacy_blog.check_rows F

Loads every row of the blog's models through the app's Django models and prints JSON:

- ``invalid``: rows ``full_clean()`` refuses (the app itself would not have let them in);
- ``differs``: columns whose stored value is not what Django writes for the value it read
  (``field.get_db_prep_value``), i.e. not Django's storage format.

Rows written by ``fill`` / ``fill_large`` must give two empty lists, quirks included.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from tests.legacy_blog.make_fixture import configure


def review(path: Path) -> dict[str, list[str]]:
    configure(path)
    from django.apps import apps
    from django.core.exceptions import ValidationError
    from django.db import connection

    raw = sqlite3.connect(path)
    invalid: list[str] = []
    differs: list[str] = []
    for model in apps.get_app_config("blog").get_models():
        table = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields]
        columns = ", ".join(f'"{f.column}"' for f in fields)
        stored = {row[0]: row for row in raw.execute(f'select id, {columns} from "{table}"')}
        for obj in model.objects.order_by("pk"):
            row = stored[obj.pk][1:]
            for field, value in zip(fields, row, strict=True):
                written: Any = field.get_db_prep_value(
                    getattr(obj, field.attname), connection, prepared=False
                )
                if isinstance(written, bool):
                    written = int(written)
                if written != value or type(written) is not type(value):
                    differs.append(f"{table} {obj.pk} {field.column}: {value!r} != {written!r}")
            try:  # after the comparison: clean() may normalise (the e-mail's domain)
                obj.full_clean()
            except ValidationError as error:
                invalid.append(f"{table} {obj.pk}: {error.message_dict}")
    raw.close()
    return {"invalid": invalid, "differs": differs}


def main() -> int:
    json.dump(review(Path(sys.argv[1])), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
