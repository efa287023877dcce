"""``python -m docgen.docxtpl TEMPLATE JSON OUTPUT [-o] [-q]``: docxtpl's command, on docgen."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from docgen.docxtpl.template import DocxTemplate
from docgen.errors import DocgenError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m docgen.docxtpl",
        description="Make a .docx from a docxtpl template and a JSON file of data.",
    )
    parser.add_argument("template_path", help="the template .docx")
    parser.add_argument("json_path", help="the data, a JSON object")
    parser.add_argument("output_filename", help="the .docx to write")
    parser.add_argument("-o", "--overwrite", action="store_true", help="replace OUTPUT")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    args = parser.parse_args(argv)
    output = Path(args.output_filename)
    if output.suffix != ".docx" or not args.template_path.endswith(".docx"):
        print("Error: the template and the output must be .docx files", file=sys.stderr)
        return 2
    if output.exists() and not args.overwrite:
        print(f"Error: {output} exists; add -o to replace it", file=sys.stderr)
        return 2
    try:
        data = json.loads(Path(args.json_path).read_text(encoding="utf-8"))
        document = DocxTemplate(args.template_path)
        document.render(data)
        document.save(output)
    except json.JSONDecodeError as exc:
        print(f"Error: {args.json_path}:{exc.lineno}:{exc.colno}: {exc.msg}", file=sys.stderr)
        return 1
    except (DocgenError, OSError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"Document successfully generated and saved at {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
