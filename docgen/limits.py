"""The bounds that keep hostile data and runaway templates from exhausting time or memory.

Every limit has a default that is far above what a real report needs (the
seed form's data is 7 KB and renders in a few thousand template steps), so a
limit is only ever met by a broken or hostile input. All of them are set in
one `Limits` value that the loaders, the template and the CLI pass along.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-run bounds; `DEFAULT_LIMITS` holds the documented defaults."""

    # --- data files
    file_bytes: int = 20 * MB  # a data file larger than this is not read
    value_bytes: int = 4 * MB  # one text value (UTF-8 bytes)
    values: int = 200_000  # values a file expands to, YAML aliases counted each time used
    text_chars: int = 50_000_000  # all text of a file, YAML aliases counted each time used
    depth: int = 10  # nesting; the format's deepest field is 6 levels down
    # --- templates
    template_bytes: int = 50 * MB  # a .docx, and everything in it once unpacked
    template_parts: int = 2_000  # files inside a .docx
    render_seconds: float = 30.0  # rendering one document
    render_steps: int = 10_000_000  # loop turns, calls, operators, filters, printed values
    output_chars: int = 20_000_000  # text a template produces for one document
    render_bytes: int = 512 * MB  # values a template creates for one document, freed or not
    call_depth: int = 50  # macros calling macros

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not value > 0:
                raise ValueError(f"limit {name} must be positive, not {value!r}")


DEFAULT_LIMITS = Limits()
