"""The agreement's views beyond one indicator: sign-off, code order and dimension groups.

agreement.md: the form and the summary end with a signature block (ผู้รายงาน defaults
to the first collector, ผู้รับรองข้อมูล to the first supervisor; `sign_off` in the data
overrides names, positions and dates), and the summary lists indicators in code order
(1.2 before 1.10), grouped under the report's dimensions with subtotals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from docgen.engine.media import Picture
from docgen.report.model import Dimension, Indicator, Person, Signer, SignOff
from docgen.report.scoring import exact_sum


@dataclass(frozen=True)
class SignerView:
    """One column of the signature block; what is missing prints as a dotted line."""

    name: str | None = field(metadata={"doc": "Name; empty prints a dotted line"})
    position: str | None = field(metadata={"doc": "Position; empty prints a dotted line"})
    date: dt.date | None = field(metadata={"doc": "Date of signing; empty prints a dotted line"})
    signature: Picture | None = field(
        default=None,
        metadata={"doc": "The signature's picture from the data; empty prints a dotted line"},
    )


@dataclass(frozen=True)
class SignOffView:
    reporter: SignerView = field(metadata={"doc": "ผู้รายงาน: default the first collector"})
    certifier: SignerView = field(metadata={"doc": "ผู้รับรองข้อมูล: default the first supervisor"})


def _signer(default: Person | None, *overrides: Signer | None) -> SignerView:
    """The default person, each field replaced by the last override that gives it."""
    values: dict[str, Any] = {
        "name": default.name if default else None,
        "position": default.position if default else None,
        "date": None,
    }
    for override in overrides:
        if override is None:
            continue
        for key in values:
            given = getattr(override, key)
            if given is not None:
                values[key] = given
    return SignerView(**values)


def sign_off_view(indicator: Indicator | None, *sign_offs: SignOff | None) -> SignOffView:
    """The signature block: defaults from `indicator`'s people, then each `sign_offs`
    in turn (the report's, then the indicator's) overriding what it gives."""
    reporters = [s.reporter if s else None for s in sign_offs]
    certifiers = [s.certifier if s else None for s in sign_offs]
    return SignOffView(
        reporter=_signer(indicator.collectors[0] if indicator else None, *reporters),
        certifier=_signer(indicator.supervisors[0] if indicator else None, *certifiers),
    )


_PARTS = re.compile(r"(\d+)")


def code_key(code: str) -> tuple[Any, ...]:
    """Sort key of an indicator code in the official order: 1.2 before 1.10, 2 before 10.

    >>> sorted(["1.10", "2", "1.2", "10", "1.1a"], key=code_key)
    ['1.1a', '1.2', '1.10', '2', '10']
    """
    parts = []
    for part in code.split("."):
        pieces = _PARTS.split(part)
        parts.append(tuple((0, int(p)) if p.isdigit() else (1, p) for p in pieces if p))
    return tuple(parts)


def in_code_order(indicators: Sequence[Indicator]) -> list[int]:
    """Positions of `indicators` in code order (a stable sort: equal codes keep their order)."""
    return sorted(range(len(indicators)), key=lambda i: code_key(indicators[i].code))


@dataclass(frozen=True)
class GroupPlan:
    """One dimension of the summary: its heading (None when the report declares none)
    and the positions of its indicators, in code order."""

    code: str | None
    name: str | None
    positions: list[int]


def dimension_groups(
    indicators: Sequence[Indicator], dimensions: Sequence[Dimension] | None
) -> list[GroupPlan]:
    """The summary's groups: the declared dimensions in code order, each with its
    indicators; without declared dimensions, one group of every indicator."""
    order = in_code_order(indicators)
    if not dimensions:
        return [GroupPlan(None, None, order)]
    groups = []
    for dimension in sorted(dimensions, key=lambda d: code_key(d.code)):
        positions = [i for i in order if indicators[i].dimension_code == dimension.code]
        groups.append(GroupPlan(dimension.code, dimension.name, positions))
    return groups


def subtotal(values: Sequence[Decimal | None]) -> Decimal:
    """The exact sum of the values given (an indicator not assessed adds nothing)."""
    return exact_sum([v for v in values if v is not None])
