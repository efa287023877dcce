"""``docgen next FILE... [-o DIR]``: the next round's files, the round's fields cleared."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from docgen.errors import DataError, DocgenError, OutputError
from docgen.output import atomic_write_bytes
from docgen.report import data as data_module
from docgen.report.next_round import (
    for_next_round,
    parse_sequence,
    remember_sequence,
    workspace_sequence,
)
from docgen.report.writing import serialize

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_ROUND_PREFIX = re.compile(r"^\d{4}-r\d{1,2}-")


def next_name(source: Path, fiscal_year: int, round_months: int) -> str:
    """The new file's name: the source's, its ``2567-r6-`` prefix made the new round's.

    >>> next_name(Path("2567-r6-1.1.yaml"), 2567, 9), next_name(Path("plan.yaml"), 2568, 3)
    ('2567-r9-1.1.yaml', '2568-r3-plan.yaml')
    """
    stem = _ROUND_PREFIX.sub("", source.stem)
    return f"{fiscal_year}-r{round_months}-{stem}{source.suffix.lower()}"


#: What a file started for a round lacks until its results are typed: no obstacle to
#: starting the round after it.
_UNFILLED = "a quantitative indicator needs result.value"


def _parsed(path: Path) -> dict:
    """The file's data, valid (results aside), as parsed (so every field it has is written
    again)."""
    try:
        data_module.load(path)  # every problem named, before anything is written
    except DataError as exc:
        problems = [p for p in exc.problems if not p.message.startswith(_UNFILLED)]
        if problems:
            raise DataError(problems, path) from None
    text = data_module.read_text(path)
    parse = data_module.parse_json if path.suffix.lower() == ".json" else data_module.parse_yaml
    raw, _, _ = parse(text)
    return raw


@click.command("next")
@click.argument("files", nargs=-1, required=True, type=_FILE)
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the new files [default: each file's own folder].",
)
@click.option(
    "--rounds",
    help="The office's round sequence, e.g. 6,12 [default: what the folder remembers, "
    "else 3,6,9,12]; remembered in the folder for the next time.",
)
def next_command(files: tuple[Path, ...], out_dir: Path | None, rounds: str | None) -> None:
    """Start the next round from FILES: keep what defines each indicator, clear the results,
    explanation, factors, obstacles, evidence, expected score, as_of and sign-off dates.

    The round follows 3 → 6 → 9 → 12 → the next fiscal year's 3, or the sequence given
    with --rounds (6,12: 6 → 12 → 6). An existing file is never overwritten. A
    quantitative indicator's new file needs this round's result.value before it renders.
    """
    try:
        planned = []
        for path in files:
            folder = out_dir or path.parent
            sequence = parse_sequence(rounds) if rounds else workspace_sequence(folder)
            data = for_next_round(_parsed(path), sequence)
            info = data["report"]
            target = folder / next_name(path, info["fiscal_year"], info["round"])
            if target.exists() or target in [t for t, _ in planned]:
                raise OutputError(
                    f"{target} already exists; move it away or choose another folder (-o)"
                )
            planned.append((target, serialize(data, target.name)))
        for target, text in planned:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(target, text.encode("utf-8"))
            click.echo(f"wrote {target}")
        if rounds:
            for folder in {target.parent for target, _ in planned}:
                remember_sequence(folder, parse_sequence(rounds))
    except (DataError, DocgenError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
