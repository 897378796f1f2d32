"""The ``heardwell`` command line.

Exit codes: 0 done, 2 bad input (one line on stderr says why), 3 urgent crisis text (the help
card is printed instead of a reflection).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TextIO

from pydantic import BaseModel

from assistant.config import Settings, get_settings
from assistant.errors import HeardwellError, InputError
from assistant.render import help_card_text, reflection_text

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_CRISIS = 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except InputError as exc:
        print(f"heardwell: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except HeardwellError as exc:
        print(f"heardwell: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heardwell",
        description="Reflective listening practice for couples repairing trust. "
        "Practice, not therapy or crisis care.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    reflect = sub.add_parser("reflect", help="reflect a description of a hurt")
    reflect.add_argument("text", help="the description, or - to read it from standard input")
    reflect.add_argument("--json", action="store_true", help="print the reflection as JSON")
    reflect.add_argument("--model", help="'offline' (default), 'local', or any litellm model")
    reflect.set_defaults(func=_cmd_reflect)

    check = sub.add_parser("check", help="run one guardrail on a text")
    check.add_argument("kind", choices=["crisis", "apology", "agreement"])
    check.add_argument("text", nargs="?", help="the text, or - for standard input")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.add_argument(
        "--jsonl",
        metavar="FILE",
        help='batch: read {"id": ..., "text": ...} lines from FILE (or -); one JSON line each',
    )
    check.set_defaults(func=_cmd_check)

    evaluate = sub.add_parser(
        "eval",
        help="run the evaluations: offline engine and recorded models (replay-only), report",
    )
    evaluate.add_argument(
        "--record", action="store_true", help="record fresh responses from --model first"
    )
    evaluate.add_argument("--model", help="with --record: 'local' or any litellm model")
    evaluate.add_argument(
        "--set", action="append", dest="sets", metavar="NAME", help="only this set (repeatable)"
    )
    evaluate.add_argument(
        "--report-dir", metavar="DIR", help="where to write the report (default evals/report)"
    )
    evaluate.add_argument(
        "--cassettes", metavar="DIR", help="recordings directory (default evals/cassettes)"
    )
    evaluate.set_defaults(func=_cmd_eval)
    return parser


def _cmd_eval(args: argparse.Namespace) -> int:
    # Imported here: `heardwell reflect` must not pay for the evals (or litellm) at start-up.
    from pathlib import Path

    from evals import gate, report, runner

    root = Path(args.cassettes) if args.cassettes else runner.CASSETTES_DIR
    if args.record:
        if not args.model:
            raise InputError("--record needs --model: 'local' or any litellm model name.")
        directory = runner.record(args.model, args.sets, root=root)
        print(f"recorded {args.model} into {directory}", file=sys.stderr)
    elif args.model:
        raise InputError("--model is only for --record: replay runs every recorded model.")
    result = runner.run(args.sets, root=root).to_dict()
    failures = gate.check(result)
    out = Path(args.report_dir) if args.report_dir else runner.REPORT_DIR
    for path in report.write(result, failures, out):
        print(path)
    for failure in failures:
        print(f"gate: {failure}", file=sys.stderr)
    return 1 if failures else EXIT_OK


def _read_text(value: str | None) -> str | bytes:
    if value is None:
        raise InputError("Give the text as an argument, or - to read it from standard input.")
    if value == "-":
        return sys.stdin.buffer.read()
    return value


def _settings(model: str | None) -> Settings:
    base = get_settings()
    return base.model_copy(update={"model": model}) if model else base


def _cmd_reflect(args: argparse.Namespace) -> int:
    from assistant.pipeline import reflect

    outcome = reflect(_read_text(args.text), settings=_settings(args.model))
    if outcome.reflection is None:
        if args.json:
            print(outcome.crisis.model_dump_json(indent=2))
        else:
            print(help_card_text(outcome.crisis))
        return EXIT_CRISIS
    if args.json:
        print(outcome.reflection.model_dump_json(indent=2))
    else:
        print(reflection_text(outcome.reflection))
    if outcome.crisis.route is not None:
        print(help_card_text(outcome.crisis), file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _checker(kind: str) -> Callable[[str], BaseModel]:
    if kind == "crisis":
        from guardrails.crisis import screen

        return screen
    if kind == "apology":
        from guardrails.apology import check_apology

        return check_apology
    from guardrails.agreement import check_agreement

    return check_agreement


def _cmd_check(args: argparse.Namespace) -> int:
    check = _checker(args.kind)
    if args.jsonl:
        return _check_batch(check, args.jsonl)
    raw = _read_text(args.text)
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    if not text.strip():
        raise InputError("There is no text to check. Give the text, or - for standard input.")
    result = check(text)
    if args.json:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        print(_check_text(args.kind, result))
    return EXIT_OK


def _check_batch(check: Callable[[str], BaseModel], source: str) -> int:
    stream: TextIO = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    with stream:
        for number, line in _lines(stream):
            try:
                item = json.loads(line)
                case_id, text = item["id"], item["text"]
                if not isinstance(text, str):
                    raise TypeError("text must be a string")
            except (ValueError, KeyError, TypeError) as exc:
                error = f"line {number}: expected {{'id': ..., 'text': ...}} ({exc})"
                print(json.dumps({"id": None, "line": number, "error": error}))
                continue
            out = {"id": case_id, **check(text).model_dump(mode="json")}
            print(json.dumps(out, ensure_ascii=False))
    return EXIT_OK


def _lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield number, line


def _check_text(kind: str, result: BaseModel) -> str:
    data = result.model_dump(mode="json")
    if kind == "crisis":
        lines = [f"level: {data['level']}"]
        if data["categories"]:
            lines.append("categories: " + ", ".join(data["categories"]))
        for span in data["spans"]:
            lines.append(f'  [{span["category"]}] "{span["text"]}"')
        return "\n".join(lines)
    lines = [f"verdict: {data['verdict']}"]
    for finding in data["findings"]:
        lines.append(f'- {finding["category"]}: "{finding["span"]["text"]}"')
        lines.append(f"    {finding['reason']}")
        lines.append(f"    Try: {finding['hint']}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
