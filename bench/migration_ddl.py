"""Every migration's DDL, up and down, to compare before and after a change to storage/migrations.

    .venv/bin/python bench/migration_ddl.py > before.sql   # on the commit before
    .venv/bin/python bench/migration_ddl.py > after.sql    # on the commit after
    diff before.sql after.sql                               # empty: the revisions do the same

PostgreSQL: `alembic upgrade head --sql` and `downgrade head:base --sql` (offline). SQLite: offline SQL stops at
the first batch operation (it needs the live table to copy), so the SQLite part is the schema after each
revision, upgrading one at a time on a fresh file and then downgrading one at a time to base (a table's
items sorted: a batch copy lists the constraints it reflects in no fixed order).
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is a folder of scripts
from storage.engine import create_engine_for
from storage.migrate import alembic_config, downgrade, upgrade

_ITEM_SEPARATOR = re.compile(r",(?![^()]*\))")  # a comma between a table's items, not inside one


def offline_sql(url: str, action: str) -> str:
    config = alembic_config(url)
    config.output_buffer = buffer = io.StringIO()
    try:
        if action == "upgrade":
            command.upgrade(config, "head", sql=True)
        else:
            command.downgrade(config, "head:base", sql=True)
    except Exception as exc:  # SQLite's batch refusal is part of what is compared
        buffer.write(f"ERROR {type(exc).__name__}: {exc}\n")
    return buffer.getvalue()


def schema(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")).all()
    out = []
    for kind, name, table, sql in rows:
        sql = " ".join((sql or "").split())
        if kind == "table" and "(" in sql:
            head, _, body = sql.partition("(")
            sql = head + "(" + ", ".join(sorted(p.strip() for p in _ITEM_SEPARATOR.split(body.rstrip(")")))) + ")"
        out.append(f"{kind} {name} {table}: {sql}")
    return out


def sqlite_steps() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [s.revision for s in reversed(list(script.walk_revisions()))]
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine_for(f"sqlite:///{tmp}/ddl.db")
        for revision in revisions:
            upgrade(engine, revision)
            lines += [f"--- up {revision}", *schema(engine)]
        for revision in reversed(["base", *revisions[:-1]]):
            downgrade(engine, revision)
            lines += [f"--- down to {revision}", *schema(engine)]
        engine.dispose()
    return lines


def main() -> None:
    for url in ("sqlite:///ddl.db", "postgresql://user@host/db"):
        for action in ("upgrade", "downgrade"):
            print(f"===== {url.split(':')[0]} offline {action}")
            print(offline_sql(url, action))
    print("===== sqlite schema after each revision")
    print("\n".join(sqlite_steps()))


if __name__ == "__main__":
    main()
