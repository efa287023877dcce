"""The JSON Schema of the data format: what editors check while a clerk types."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from helpers import BAD_DATA, FIXTURES, SEED_YAML

from docgen.cli import main
from docgen.report.model import json_schema

#: What a schema cannot see: it checks shape, not arithmetic or YAML's own syntax.
BEYOND_THE_SCHEMA = {
    "expected-score": "needs the computed score",
    "duplicate-key": "YAML keeps the last value; the YAML editor flags duplicates itself",
    "as-of-outside-the-round": "needs the round's dates",
    "as-of-before-the-fiscal-year": "needs the round's dates",
}


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (YAML 1.2: dates stay text)."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def validator():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def data_files():
    return sorted([*FIXTURES.glob("*.yaml"), *FIXTURES.glob("*.json")])


@pytest.mark.parametrize("path", data_files(), ids=lambda p: p.name)
def test_every_fixture_validates(validator, path):
    data = yaml.load(path.read_text(encoding="utf-8"), EditorLoader)
    assert [error.message for error in validator.iter_errors(data)] == []


def field_path(error: jsonschema.ValidationError) -> str:
    """The error's place as docgen's messages write it (indicator.result.steps[4].step)."""
    text = ""
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@pytest.mark.parametrize(
    ("case", "edit", "message"),
    [(c[0], c[1], c[2]) for c in BAD_DATA],
    ids=[c[0] for c in BAD_DATA],
)
def test_the_schema_rejects_the_bad_data_cases_at_the_same_field(validator, case, edit, message):
    text = edit(SEED_YAML)
    try:
        data = yaml.load(text, EditorLoader)
    except yaml.YAMLError:
        assert case == "yaml-syntax"  # not YAML at all: the editor says so before any schema
        return
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if case in BEYOND_THE_SCHEMA:
        assert error is None
        return
    assert error is not None
    expected = message.split(":", 1)[0]  # the field docgen names, e.g. indicator.weight
    if error.validator in ("required", "additionalProperties"):
        parent, field = expected.rsplit(".", 1)  # reported on the object that lacks or has it
        assert (field_path(error), repr(field) in error.message) == (parent, True)
    else:
        assert field_path(error) == expected


def test_schema_command_writes_the_schema_editors_load(tmp_path):
    out = tmp_path / "docgen-data.schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert (result.exit_code, result.output) == (0, f"wrote {out}\n")
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema == json_schema()
    weight = schema["$defs"]["Indicator"]["properties"]["weight"]
    assert weight["description"] == "น้ำหนัก (ร้อยละ), 0 < weight <= 100"
    assert (weight["type"], weight["exclusiveMinimum"], weight["maximum"]) == (
        ["number", "string"],
        0,
        100,
    )
    printed = CliRunner().invoke(main, ["schema"])
    assert json.loads(printed.output) == schema


@pytest.mark.parametrize(("typed", "valid"), [("1,234.5", True), ("๗๒.๕", True), ("72,5", False)])
def test_the_schema_takes_numbers_as_people_type_them(validator, typed, valid):
    data = yaml.load(SEED_YAML.replace("weight: 4", f'weight: "{typed}"'), EditorLoader)
    assert (not list(validator.iter_errors(data))) is valid
