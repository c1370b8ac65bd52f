"""Survey answers of a country as CSV, XLSX or JSON: one row per question, with the final value,
who decided it and the evidence URL (what the Survey's spreadsheets hold today)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from govaudit.review import STATUS_LABELS, QuestionState, country_states
from storage import Store

FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
COLUMNS = (
    "country",
    "instrument",
    "question",
    "title",
    "subindex",
    "suggested_value",
    "outcome",
    "confidence",
    "final_value",
    "status",
    "decided_by",
    "decided_at",
    "evidence_url",
    "comment",
    "evidence_changed",
)
# A cell starting with one of these is a formula to a spreadsheet; evidence comes from crawled sites
# and comments from people, so such text is prefixed with a quote (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rows(country: str, instrument: str, states: Sequence[QuestionState]) -> list[dict[str, Any]]:
    out = []
    for s in states:
        current = s.current.record.answer if s.current else None
        final = s.reviewer or (s.assessors[-1] if s.final else None)
        out.append(
            {
                "country": country,
                "instrument": instrument,
                "question": s.question.code,
                "title": s.question.title,
                "subindex": s.question.subindex,
                "suggested_value": current.value if current else None,
                "outcome": str(current.outcome) if current else "",
                "confidence": round(current.confidence, 3) if current else None,
                "final_value": s.final_value,
                "status": STATUS_LABELS[s.status],
                "decided_by": s.decided_by,
                "decided_at": s.decided_at.isoformat() if s.decided_at else "",
                "evidence_url": s.evidence_url,
                "comment": final.review.comment if final else "",
                "evidence_changed": s.evidence_changed,
            }
        )
    return out


def export(store: Store, country: str, instruments: Sequence[str], fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    data = [r for key in instruments for r in rows(country, key, country_states(store, country, key))]
    if fmt == "json":
        return json.dumps({"country": country, "answers": data}, indent=2, ensure_ascii=False).encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in r.items()} for r in data)
        return buffer.getvalue().encode("utf-8")
    return _xlsx(country, data)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _xlsx(country: str, data: Sequence[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{country} answers"[:31]
    sheet.append(list(COLUMNS))
    for row in data:
        sheet.append([_cell(row[c]) for c in COLUMNS])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
