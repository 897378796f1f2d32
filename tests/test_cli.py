"""The command line: readable output, stable JSON, exit codes, and no tracebacks on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import EXIT_BAD_INPUT, EXIT_CRISIS, EXIT_OK, main

DESCRIPTION = "You forgot my birthday and went out with your friends. I felt invisible."


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_reflect_prints_the_three_steps(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["reflect", DESCRIPTION], capsys)
    assert code == EXIT_OK
    assert "1. What I understand" in out and "2. Feelings" in out and "3. An apology" in out
    assert "I forgot your birthday" in out


def test_reflect_json_is_the_reflection_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["reflect", DESCRIPTION, "--json"], capsys)
    data = json.loads(out)
    assert code == EXIT_OK
    assert set(data) >= {"summary", "feelings", "repair", "engine", "model", "notices"}
    assert data["engine"] == "offline"
    assert data["summary"]["origin"] == "this_relationship"


def test_reflect_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DESCRIPTION.encode())))
    code, out, _ = run(["reflect", "-", "--json"], capsys)
    assert code == EXIT_OK
    assert json.loads(out)["summary"]["restatement"].startswith("I forgot your birthday")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "nothing to reflect"),
        ("   ", "nothing to reflect"),
        ("a" * 5001, "limit is 5,000"),
        ("bad\x01text", "control characters"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    text: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["reflect", text], capsys)
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert says in err and err.count("\n") == 1


def test_urgent_text_prints_the_help_card_and_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["reflect", "I want to kill myself tonight."], capsys)
    assert code == EXIT_CRISIS
    assert "988" in out


def test_check_commands_give_stable_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "crisis", "This argument is killing me.", "--json"], capsys)
    crisis = json.loads(out)
    assert code == EXIT_OK
    assert set(crisis) >= {"level", "categories", "spans", "route"}
    assert crisis["level"] == "none"
    _, out, _ = run(["check", "apology", "I'm sorry if you were offended.", "--json"], capsys)
    apology = json.loads(out)
    assert apology["verdict"] == "reject"
    assert set(apology["findings"][0]) == {"category", "span", "reason", "hint"}
    _, out, _ = run(["check", "agreement", "I will never ever be late again.", "--json"], capsys)
    assert json.loads(out)["verdict"] == "reject"


def test_check_batch_jsonl_keeps_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "I'm sorry I was impatient."})
        + "\n"
        + "not json\n"
        + json.dumps({"id": 7, "text": "Sorry you feel that way."})
        + "\n",
        encoding="utf-8",
    )
    code, out, _ = run(["check", "apology", "--jsonl", str(source)], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_OK
    assert [r["id"] for r in rows] == ["a", None, 7]
    assert rows[0]["verdict"] == "accept" and rows[2]["verdict"] == "reject"
    assert "line 2" in rows[1]["error"]


def test_whole_process_has_no_traceback_on_bad_input() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "reflect", ""], capture_output=True, text=True
    )
    assert out.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in out.stderr
