"""Write data-format files as people write them: YAML with block text, exact numbers.

The comment lines a file starts with are kept when it is written again (the web
form's save, `docgen import`'s update).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from docgen.numbers import plain_number

#: libyaml's emitter when PyYAML has it (ten times faster: an import writes thousands of
#: files); the same text as the pure-Python one but for rare characters such as NEL.
_SafeDumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SafeDumper):
    """YAML as people write the data format: multi-line text as a block, exact numbers."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_scalar("tag:yaml.org,2002:int", str(value.to_integral_value()))
    return dumper.represent_scalar("tag:yaml.org,2002:float", plain_number(value))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Decimal, _represent_decimal)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def leading_comments(text: str) -> str:
    """The comment lines a file starts with, kept when the form writes it again.

    >>> leading_comments("# title\\n# note\\nschema_version: 1\\n")
    '# title\\n# note\\n'
    """
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line if line.endswith("\n") else line + "\n")
    return "".join(lines)


def serialize(data: dict[str, Any], name: str, previous: str = "") -> str:
    """The data as the text of file `name`: YAML (comments on top kept) or JSON."""
    if Path(name).suffix.lower() == ".json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    body = yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2
    )
    return leading_comments(previous) + body
