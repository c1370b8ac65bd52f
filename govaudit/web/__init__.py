"""The assessor web app (`govaudit serve`): server-rendered pages over the same store.

`create_app` is imported lazily so that the pure modules here (review states, charts) can be used
by the CLI and the exports without importing FastAPI.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from govaudit.web.app import create_app as _create

    return _create(*args, **kwargs)


__all__ = ["create_app"]
