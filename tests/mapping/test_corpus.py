"""Training and development files are read line by line, and a bad line is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmnav.errors import IngestError
from llmnav.mapping.model.corpus import read_jsonl


def test_rows_are_read_and_blank_lines_skipped(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_text('{"tactic": "TA0003", "text": "survive a reboot"}\n\n{"tactic": "TA0004"}\n')
    assert read_jsonl(path) == [
        {"tactic": "TA0003", "text": "survive a reboot"},
        {"tactic": "TA0004"},
    ]


@pytest.mark.parametrize(
    ("line", "message"), [("{broken", "Not JSON"), ('["a list"]', "Not a JSON object")]
)
def test_a_bad_line_names_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_text('{"tactic": "TA0003"}\n' + line + "\n")
    with pytest.raises(IngestError, match=message) as caught:
        read_jsonl(path)
    assert str(caught.value).endswith(f"{path}:2")
