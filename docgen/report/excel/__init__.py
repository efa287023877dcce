"""The performance agreement as a sheet: `import_sheet` and `export_sheet` (excel.md)."""

from docgen.report.excel.importer import Outcome, import_sheet
from docgen.report.excel.problems import SheetError, SheetProblem
from docgen.report.excel.writer import export_bytes, export_sheet

__all__ = ["Outcome", "SheetError", "SheetProblem", "export_bytes", "export_sheet", "import_sheet"]
