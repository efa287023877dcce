"""The types a template sees, in a maintainer's words.

A context's values are typed by the caller's view dataclasses, followed field by
field; what is not a view is a leaf a template prints. Shared by `docgen check`
and the generated template reference.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any

from docgen.engine.media import Picture
from docgen.engine.richtext import RichText

#: Values a template prints; they have no fields to walk into.
LEAVES = (str, int, Decimal, bool, dt.date, RichText, Picture)

#: What ``loop`` offers inside a ``{% for %}``.
LOOP_FIELDS: dict[str, Any] = {
    "index": int,
    "index0": int,
    "revindex": int,
    "revindex0": int,
    "first": bool,
    "last": bool,
    "length": int,
    "depth": int,
    "depth0": int,
    "previtem": Any,
    "nextitem": Any,
    "cycle": Any,
    "changed": Any,
}


def type_name(kind: Any) -> str:
    """A field's type in a maintainer's words.

    >>> type_name(list[str]), type_name(Decimal | None), type_name(RichText)
    ('list of text', 'number or empty', 'rich text')
    """
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        text = " or ".join(type_name(a) for a in rest)
        return text + (" or empty" if len(rest) < len(args) else "")
    if is_view(kind):
        return kind.__name__.removesuffix("View").lower()
    names = {
        str: "text",
        int: "whole number",
        Decimal: "number",
        bool: "yes/no",
        dt.date: "date",
        RichText: "rich text",
        Picture: "picture",
    }
    if kind not in names and isinstance(kind, type) and issubclass(kind, str):
        return "text"  # text with fields of its own (an evidence item and its photo)
    return names.get(kind, "value")


def is_view(kind: Any) -> bool:
    """Whether `kind` is a view a template walks into: a dataclass that is not a leaf."""
    return isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind not in LEAVES


def field_types(kind: Any) -> dict[str, Any]:
    """The fields of a view dataclass, with their resolved types."""
    return typing.get_type_hints(kind)


def strip_optional(kind: Any) -> Any:
    """`X` of ``X | None``; `Any` for a union of several types."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(kind) if a is not type(None)]
        return rest[0] if len(rest) == 1 else Any
    return kind


def element_type(kind: Any) -> Any:
    """What a loop over a value of this type gives (`Any` when unknown)."""
    kind = strip_optional(kind)
    if typing.get_origin(kind) is list:
        return typing.get_args(kind)[0]
    if kind is str:
        return str
    return Any
