"""Bad data gets one clear message per problem: file, line, field path, what was expected."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from helpers import BAD_DATA, REPORT_DATA, SEED_DATA, SEED_YAML, seed_data

from docgen.cli import main
from docgen.errors import DataError
from docgen.limits import DEFAULT_LIMITS
from docgen.report.data import (
    LIBYAML,
    PureLineLoader,
    load,
    loads,
    parse_yaml,
    validate,
)

REPORT_YAML = REPORT_DATA.read_text(encoding="utf-8")


# Quantitative indicators and method mix-ups, as edits of the multi-indicator report
# (indicators[0] is quantitative, [1] quantitative lower-is-better, [3] milestone).
REPORT_BAD_DATA = [
    (
        "4-targets",
        lambda s: s.replace("targets: [88, 90, 92, 94, 96]", "targets: [88, 90, 92, 94]"),
        "indicators[0].scoring.targets: expected exactly 5 targets (the values of levels 1 to 5), got 4",
        38,
    ),
    (
        "6-targets",
        lambda s: s.replace("targets: [88, 90, 92, 94, 96]", "targets: [88, 90, 92, 94, 96, 98]"),
        "indicators[0].scoring.targets: expected exactly 5 targets (the values of levels 1 to 5), got 6",
        38,
    ),
    (
        "targets-not-strictly-increasing",
        lambda s: s.replace("targets: [88, 90, 92, 94, 96]", "targets: [88, 90, 90, 94, 96]"),
        "indicators[0].scoring.targets: targets must be strictly increasing (level 1 to 5) "
        "when higher_is_better is true",
        38,
    ),
    (
        "lower-is-better-targets-increasing",
        lambda s: s.replace("targets: [20, 18, 16, 14, 12]", "targets: [12, 14, 16, 18, 20]"),
        "indicators[1].scoring.targets: targets must be strictly decreasing (level 1 to 5) "
        "when higher_is_better is false",
        60,
    ),
    (
        "higher-is-better-not-a-boolean",  # one problem, not a second one about the targets
        lambda s: s.replace("higher_is_better: false", "higher_is_better: maybe"),
        "indicators[1].scoring.higher_is_better: expected a valid boolean",
        59,
    ),
    (
        "target-with-a-decimal-comma",
        lambda s: s.replace("targets: [88, 90, 92, 94, 96]", "targets: [88, 90, '92,5', 94, 96]"),
        'indicators[0].scoring.targets[2]: "92,5" is not a number: use a point for decimals '
        "(92.5); a comma only separates thousands in groups of three (1,234.5)",
        38,
    ),
    (
        "no-unit",
        lambda s: s.replace("    unit: วัน\n", ""),
        "indicators[1].scoring.unit: required field is missing",
        56,
    ),
    (
        "blank-unit",
        lambda s: s.replace("unit: วัน", 'unit: "  "'),
        "indicators[1].scoring.unit: expected a unit such as ร้อยละ, วัน or บาท, got '  '",
        58,
    ),
    (
        "value-typed-72,5",
        lambda s: s.replace("value: 15", "value: 72,5"),
        'indicators[1].result.value: "72,5" is not a number: use a point for decimals '
        "(72.5); a comma only separates thousands in groups of three (1,234.5)",
        62,
    ),
    (
        "value-missing",
        lambda s: s.replace("value: 15", "value: null"),
        "indicators[1].result.value: a quantitative indicator needs result.value (a number)",
        62,
    ),
    (
        "quantitative-with-steps",
        lambda s: s.replace("    value: 15\n", "    steps: [{step: 1, done: true}]\n"),
        "indicators[1].result.steps: result.steps is for milestone indicators; "
        "a quantitative indicator reports result.value",
        62,
    ),
    (
        "milestone-with-value",
        lambda s: s.replace(
            "  result:\n    steps:\n    - step: 1\n      done: false",
            "  result:\n    value: 3\n    steps:\n    - step: 1\n      done: false",
        ),
        "indicators[3].result.value: result.value is for quantitative indicators; "
        "a milestone indicator reports result.steps",
        124,
    ),
    (
        "milestone-with-targets",
        lambda s: s.replace(
            "    - เปิดใช้ระบบครบทุกจังหวัด\n",
            "    - เปิดใช้ระบบครบทุกจังหวัด\n    targets: [1, 2, 3, 4, 5]\n",
        ),
        "indicators[3].scoring.targets: scoring.targets is for quantitative indicators "
        "(method: quantitative); a milestone indicator lists its five scoring.steps",
        123,
    ),
    (
        "quantitative-with-steps-to-score",
        lambda s: s.replace(
            "    targets: [20, 18, 16, 14, 12]\n",
            "    targets: [20, 18, 16, 14, 12]\n    steps: [a, b, c, d, e]\n",
        ),
        "indicators[1].scoring.steps: scoring.steps is for milestone indicators "
        "(method: milestone); a quantitative indicator gives scoring.unit and five scoring.targets",
        61,
    ),
    (
        "quantitative-expected-score",
        lambda s: s.replace("expected_score: 3.75", "expected_score: 4"),
        "indicators[0].expected_score: expected_score is 4 but the results give 3.75",
        46,
    ),
]
# Hostile values: past what a schema checks (resource limits, NaN, numbers Python cannot print).
HOSTILE_DATA = [
    (
        "nan",
        lambda s: s.replace("weight: 4", "weight: .nan"),
        "indicator.weight: expected a finite number, not NaN or infinity",
        23,
    ),
    (
        "infinity",
        lambda s: s.replace("weight: 4", "weight: -.inf"),
        "indicator.weight: expected a finite number, not NaN or infinity",
        23,
    ),
    (
        "endless-integer",
        lambda s: s.replace("weight: 4", "weight: 1" + "0" * 5000),
        "indicator.weight: 1000000000000000000000000000000000000... is not a valid number "
        "(Exceeds the limit (4300 digits) for integer string conversion: value has 5001 digits)",
        23,
    ),
    (
        "too-deep",
        lambda s: s.replace("weight: 4", "weight: " + "[" * 12 + "4" + "]" * 12),
        "indicator.weight" + "[0]" * 9 + ": nesting is deeper than 10 levels; "
        "the data format needs at most 6",
        23,
    ),
    (
        "value-too-long",
        lambda s: s.replace("weight: 4", "weight: 4\n  explanation: " + "ก" * 1_500_000),
        "indicator.explanation: the value is 4500000 bytes long, over the limit of 4194304 bytes",
        24,
    ),
]
CASES = [(SEED_YAML, *c[1:]) for c in BAD_DATA + HOSTILE_DATA] + [
    (REPORT_YAML, *c[1:]) for c in REPORT_BAD_DATA
]


@pytest.mark.parametrize(
    ("source", "edit", "message", "line"),
    CASES,
    ids=[c[0] for c in BAD_DATA + HOSTILE_DATA] + [c[0] for c in REPORT_BAD_DATA],
)
def test_bad_data_is_reported_with_file_line_and_field(tmp_path, source, edit, message, line):
    data = tmp_path / "bad.yaml"
    edited = edit(source)
    assert edited != source, "the edit must change the file"
    data.write_text(edited, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(data), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{data}:{line}: {message}" in result.output
    assert not out.exists() or not any(out.iterdir()), "no document may be written"


def test_all_problems_are_reported_at_once(tmp_path):
    text = SEED_YAML.replace("weight: 4", "weight: 0").replace("round: 12", "round: 7")
    with pytest.raises(DataError) as caught:
        loads(text, name="two.yaml")
    paths = [p.path for p in caught.value.problems]
    assert paths == ["report.round", "indicator.weight"]
    assert str(caught.value).startswith("2 problems in two.yaml:")


def test_list_indices_appear_in_field_paths():
    raw = seed_data()
    indicator = raw.pop("indicator")
    second = json.loads(json.dumps(indicator, default=str))
    second["code"] = "3.3"
    second["scoring"] = {"method": "quantitative", "unit": "ร้อยละ", "targets": [1, 2, 3]}
    second["result"] = {"value": 2}
    raw["indicators"] = [indicator, second]
    with pytest.raises(DataError) as caught:
        loads(json.dumps(raw, default=str), fmt="json", name="many.json")
    assert [p.path for p in caught.value.problems] == ["indicators[1].scoring.targets"]
    assert caught.value.problems[0].message == (
        "expected exactly 5 targets (the values of levels 1 to 5), got 3"
    )


def test_json_and_yaml_carry_the_same_report(tmp_path):
    raw = seed_data()
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(raw, default=str, ensure_ascii=False), encoding="utf-8")
    assert load(path) == load(SEED_DATA)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"schema_version: 1\n\xff\xfe r e p o r t",
            "the file is not UTF-8 text (byte 18); save it as UTF-8",
        ),
        ("\ufeff" + SEED_YAML, None),  # a BOM is accepted
    ],
    ids=["not-utf8", "bom"],
)
def test_encodings(tmp_path, content, message):
    path = tmp_path / "enc.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if message is None:
        assert load(path).indicator.code == "3.2"
    else:
        with pytest.raises(DataError) as caught:
            load(path)
        assert str(caught.value) == f"{path}: {message}"


def _nested_alias_bomb() -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("text", "expands_to"),
    [
        (_nested_alias_bomb(), "more than 200000 values (a whole agreement needs a few thousand)"),
        (
            "a: &a " + "x" * 1000 + "\nb: [" + ", ".join(["*a"] * 60_000) + "]\n",
            "more than 50000000 characters of text",
        ),
    ],
    ids=["values", "text"],
)
def test_yaml_alias_bombs_are_refused_quickly(tmp_path, text, expands_to):
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(path)
    assert str(caught.value) == (
        f"{path}:1: the file expands through its aliases (*name) to {expands_to}; "
        "docgen refuses to read it"
    )


def test_value_size_limit_is_configurable(tmp_path):
    data = tmp_path / "seed.yaml"
    data.write_text(SEED_YAML, encoding="utf-8")
    args = ["render", str(data), "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(main, [*args, "--max-value-bytes", "100"])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {data}:7: report.organization: "
        "the value is 137 bytes long, over the limit of 100 bytes\n"
    )
    assert CliRunner().invoke(main, [*args, "--max-value-bytes", "1000000"]).exit_code == 0


# (case id, JSON text, the exact message)
BAD_JSON = [
    (
        "nan-infinity-duplicates-digits",
        '{"report": {"round": 12, "round": 6, "fiscal_year": NaN}, '
        '"indicator": {"weight": -Infinity, "code": 1' + "0" * 5000 + "}}",
        "4 problems in x.json:\n"
        "  - x.json: report.round: duplicate key; keep only one\n"
        "  - x.json: report.fiscal_year: NaN is not a number docgen accepts; write a number\n"
        "  - x.json: indicator.weight: -Infinity is not a number docgen accepts; write a number\n"
        "  - x.json: indicator.code: a number of 5001 digits is not a number docgen accepts",
    ),
    (
        "too-deep",
        '{"report": {"a": ' * 6 + "1" + "}" * 12,
        "x.json: report.a.report.a.report.a.report.a.report.a.report: "
        "nesting is deeper than 10 levels; the data format needs at most 6",
    ),
    (
        "endlessly-deep",
        "[" * 100_000 + "]" * 100_000,
        "x.json: the file is nested too deeply to read",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in BAD_JSON], ids=[c[0] for c in BAD_JSON]
)
def test_bad_json_names_each_field(text, message):
    with pytest.raises(DataError) as caught:
        loads(text, fmt="json", name="x.json")
    assert str(caught.value) == message


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(SEED_YAML, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(path, dataclasses.replace(DEFAULT_LIMITS, file_bytes=1000))
    assert (
        str(caught.value)
        == f"{path}: the file is larger than 1000 bytes, the limit for a data file"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_an_endless_stream_is_read_only_up_to_the_limit(tmp_path):
    pipe = tmp_path / "endless.yaml"
    os.mkfifo(pipe)

    def feed() -> None:
        try:
            with pipe.open("wb") as stream:
                while True:
                    stream.write(b"x" * 65536)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(DataError, match="the file is larger than 100000 bytes"):
        load(pipe, dataclasses.replace(DEFAULT_LIMITS, file_bytes=100_000))
    writer.join(timeout=10)
    assert not writer.is_alive()


def _seed_with(code: str, name: str) -> dict:
    return json.loads(json.dumps(seed_data(indicator={"code": code, "name": name}), default=str))


def _as_yaml(code_escape: str, name_escape: str) -> str:
    """The seed as YAML with the code and name written as double-quoted escapes."""
    text = yaml.safe_dump(_seed_with("CODE", "NAME"), allow_unicode=True)
    return text.replace("code: CODE", f'code: "3.2{code_escape}"').replace(
        "name: NAME", f'name: "{name_escape} name"'
    )


@pytest.mark.parametrize(
    "read",
    [
        # JSON escapes: "3.2\\ud800", "\\ud83d\\ude00\\udfff name"
        lambda: loads(json.dumps(_seed_with("3.2\ud800", "\U0001f600\udfff name")), "json"),
        pytest.param(
            lambda: loads(_as_yaml("\\ud800", "\\U0001F600\\U0000DFFF"), "yaml"),
            marks=pytest.mark.skipif(LIBYAML, reason="libyaml refuses them: the next test"),
        ),
        # the surrogates themselves in the text, as a script may pass it
        lambda: loads(
            json.dumps(_seed_with("3.2\ud800", "\U0001f600\udfff name"), ensure_ascii=False),
            "json",
        ),
        lambda: validate(_seed_with("3.2\ud800", "\U0001f600\udfff name")),
    ],
    ids=["json-escapes", "yaml-escapes", "text", "validate-dict"],
)
def test_lone_surrogates_are_dropped_and_pairs_kept(read):
    report = read()
    assert (report.indicator.code, report.indicator.name) == ("3.2", "\U0001f600 name")


@pytest.mark.skipif(not LIBYAML, reason="the pure-Python parser drops them: the test above")
def test_libyaml_refuses_a_lone_surrogate_escape_with_its_line():
    text = _as_yaml("\\ud800", "x")
    line = text.splitlines().index('  code: "3.2\\ud800"') + 1
    with pytest.raises(DataError) as caught:
        loads(text, "yaml", "x.yaml")
    assert str(caught.value) == (
        f"x.yaml:{line}: YAML syntax error: found invalid Unicode character escape code "
        "(while parsing a quoted scalar)"
    )


def test_a_lone_surrogate_in_yaml_text_is_a_clean_error():
    with pytest.raises(DataError) as caught:
        loads("report:\n  organization: x\ud800\n", "yaml", "x.yaml")
    assert str(caught.value).startswith("x.yaml: YAML syntax error: unacceptable character #xd800")


# Files the event pass builds itself or hands to the composer: each must read
# exactly as PyYAML's pure-Python loader read it before.
PARITY_TEXTS = {
    "scalars": "a: 0755\nb: 0x1F\nc: 1_000\nd: +5\ne: -3\nf: 1.5e3\ng: .inf\nh: yes\n"
    "i: ~\nj:\nk: 2007-09-30\nl: 2007-09-30 10:00:00\nm: '12'\nn: 190:20:30\no: 0\n",
    "keys": "1: a\ntrue: b\n2007-01-01: c\nnull: d\n'x y': e\n",
    "nested-duplicates": "a:\n  b: 1\n  b: 2\n  c: [1, {d: 1, d: 2}]\na: 3\n",
    "two-bad-values": "a:\n  b: 2007-02-30\nc: 2007-13-01\n",
    "bad-key": "2007-02-30: x\n",
    "anchors": "a: &x {b: 1, c: [1, 2]}\nd: *x\ne: {<<: *x, b: 2}\n",
    "merge-without-alias": "a: {<<: {b: 1}, c: 2}\n",
    "tags": "a: !!str 12\nb: !!binary aGVsbG8=\nc: !!set {x, y}\nd: !!float 1\n",
    "unknown-tag": "a: !custom x\n",
    "complex-key": "? [a, b]\n: 1\n",
    "equals": "a: =\n",
    "empty": "",
    "comment-only": "# nothing here\n",
    "empty-document": "---\n...\n",
    "scalar-document": "just text\n",
    "two-documents": "a: 1\n---\nb: 2\n",
    "undefined-alias": "a: *nowhere\n",
    "deep": "a: " + "[" * 11 + "]" * 11 + "\n",
    "deep-mapping": "a:\n"
    + "".join("  " * i + f"k{i}:\n" for i in range(1, 12))
    + "  " * 12
    + "x\n",
    "multi-line": "a: |\n  one\n  two\nb: >\n  three\n  four\nc: 'it''s'\nd: \"tab\\tnew\\n\"\n",
}


def _read_both(text: str) -> tuple[str, str]:
    """What the loader and the reference give, as comparable text (repr keeps types)."""

    def outcome(parse: Callable[[], Any]) -> str:
        try:
            return repr(parse())
        except DataError as exc:
            return f"error: {exc}"

    fast = outcome(lambda: parse_yaml(text))
    before = outcome(lambda: parse_yaml(text, composed_with=PureLineLoader))
    return fast, before


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(path.read_text(encoding="utf-8"), id=path.name)
        for path in sorted(SEED_DATA.parent.glob("*.yaml"))
    ]
    + [pytest.param(c[1](c[0]), id=f"{i}") for i, c in enumerate(CASES)]
    + [pytest.param(text, id=name) for name, text in PARITY_TEXTS.items()],
)
def test_the_loader_reads_every_file_as_the_pure_python_loader_did(text):
    fast, before = _read_both(text)
    if "YAML syntax error" in before and LIBYAML:  # libyaml words them; the line stays
        assert fast.split(" YAML syntax error")[0] == before.split(" YAML syntax error")[0]
    else:
        assert fast == before
