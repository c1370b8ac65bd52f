"""`python -m storage URL ALEMBIC-COMMAND [ARGS...]`: Alembic against storage/migrations.

For example `python -m storage sqlite:///govaudit.db revision --autogenerate -m "add x"` or
`python -m storage postgresql+psycopg://... upgrade head`.
"""

from __future__ import annotations

import sys

from alembic.config import CommandLine

from storage.migrate import alembic_config


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2:
        raise SystemExit("usage: python -m storage URL ALEMBIC-COMMAND [ARGS...]")
    cli = CommandLine(prog="python -m storage")
    options = cli.parser.parse_args(args[1:])
    cli.run_cmd(alembic_config(args[0]), options)


if __name__ == "__main__":
    main()
