"""The folder of a run's served HTML: found again by a resume, never shared by two databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from govaudit.assessment import _served_folder
from storage import Store


def test_a_relative_sqlite_file_in_two_folders_gets_two_served_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = []
    for name in ("one", "two", "one"):
        (tmp_path / name).mkdir(exist_ok=True)
        monkeypatch.chdir(tmp_path / name)
        with Store("sqlite:///govaudit.db") as store:
            folders.append(_served_folder(store, run_id=1))
    try:
        assert folders[0] != folders[1], "two databases named alike in two folders share their served HTML"
        assert folders[0] == folders[2], "a resume of the same database and run must find its folder again"
    finally:
        for folder in set(folders):
            folder.rmdir()
