"""A CKAN-style catalogue API over the portal's catalogue file: package_list, package_search, package_show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.demo.text import fold


def _package_search(packages: list[dict[str, Any]], query: Mapping[str, str]) -> dict[str, Any]:
    q = fold(query.get("q", "").strip())
    found = [
        p for p in packages if not q or q in fold(" ".join([p["title"], p["notes"], *[t["name"] for t in p["tags"]]]))
    ]
    try:
        start, rows = int(query.get("start", 0)), int(query.get("rows", 10))
    except ValueError:
        start, rows = 0, 10
    return {"count": len(found), "sort": "score desc", "results": found[start : start + rows]}


def answer(
    packages: list[dict[str, Any]], action: str, query: Mapping[str, str], help_url: str
) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of one action, shaped as CKAN 2.x answers it."""
    if action == "package_list":
        return 200, {"help": help_url, "success": True, "result": [p["name"] for p in packages]}
    if action == "package_search":
        return 200, {"help": help_url, "success": True, "result": _package_search(packages, query)}
    if action == "package_show":
        match = [p for p in packages if p["name"] == query.get("id")]
        if match:
            return 200, {"help": help_url, "success": True, "result": match[0]}
        error = {"message": "Not found", "__type": "Not Found Error"}
        return 404, {"help": help_url, "success": False, "error": error}
    error = {"message": f"Action name not known: {action}", "__type": "Bad request"}
    return 400, {"help": help_url, "success": False, "error": error}
