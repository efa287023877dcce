"""Limits fire while a data file is parsed, before the cost: the rest of the file is never read."""

from __future__ import annotations

import dataclasses
import json

import pytest

from docgen.errors import DataError
from docgen.limits import DEFAULT_LIMITS
from docgen.report.data import parse_json, parse_yaml

SMALL = dataclasses.replace(DEFAULT_LIMITS, values=1000)
#: Text after the excess that the parser would refuse if it ever got there.
BROKEN_TAIL = "\n  ]: [\n"
TOO_MANY = (
    "the file holds more than 1000 values (a whole agreement needs a few thousand); "
    "docgen refuses to read it"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- 1\n" * 5000 + BROKEN_TAIL,
            f"x.yaml:1000: {TOO_MANY}",
        ),
        (
            "".join(f"k{i}: v\n" for i in range(5000)) + BROKEN_TAIL,
            f"x.yaml:1000: {TOO_MANY}",
        ),
        (
            "a: " + "[" * 50 + BROKEN_TAIL,
            "x.yaml:1: a" + "[0]" * 10 + ": nesting is deeper than 10 levels; "
            "the data format needs at most 6",
        ),
        (
            "a: x\nb: '" + "ก" * 2_000 + "'" + BROKEN_TAIL,
            "x.yaml:2: b: the value is 6000 bytes long, over the limit of 4096 bytes",
        ),
    ],
    ids=["list", "keys", "depth", "value-size"],
)
def test_yaml_is_refused_at_the_first_excess(text, message):
    limits = dataclasses.replace(SMALL, value_bytes=4096)
    with pytest.raises(DataError) as caught:
        parse_yaml(text, limits)
    assert str(caught.value.with_file("x.yaml")) == message


@pytest.mark.parametrize(
    "text",
    ["[" + "1," * 5000 + "1]", "[" + "[]," * 5000 + "{}]", '{"a": [' + "{}," * 5000 + "{}]}"],
    ids=["numbers", "empty-lists", "empty-objects"],
)
def test_json_with_too_many_values_is_refused_before_it_is_built(text, monkeypatch):
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("json.loads was called")

    monkeypatch.setattr(json, "loads", never)
    with pytest.raises(DataError) as caught:
        parse_json(text, SMALL)
    assert str(caught.value.with_file("x.json")) == f"x.json: {TOO_MANY}"


@pytest.mark.parametrize("extra", [0, 1], ids=["at-the-limit", "one-over"])
def test_the_json_count_is_exact_whatever_the_strings_hold(extra):
    """Commas and brackets inside strings, escaped quotes, empty containers and white
    space do not count: a file at the limit loads, one value more does not."""
    items = ['a, [{ \\" ,', [], {}, {"k": "}, ]"}, " ", [1, {"x": []}]]
    data = [items[i % len(items)] for i in range(400)]
    text = json.dumps(data, indent=1)
    count = 1 + sum(1 + _inner(item) for item in data)
    limits = dataclasses.replace(DEFAULT_LIMITS, values=count - extra)
    assert len(text) > 2 * limits.values  # long enough to be counted before parsing
    if extra:
        with pytest.raises(DataError, match="more than"):
            parse_json(text, limits)
    else:
        assert parse_json(text, limits)[0] == data


def _inner(value: object) -> int:
    if isinstance(value, list):
        return sum(1 + _inner(item) for item in value)
    if isinstance(value, dict):
        return sum(1 + _inner(item) for item in value.values())
    return 0
