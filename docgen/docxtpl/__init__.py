"""docxtpl's API on docgen's engine: change ``from docxtpl import`` to
``from docgen.docxtpl import`` and a docxtpl script makes the same document.

The package around the template (python-docx's `Document`, `replace_pic`,
`replace_media`, `replace_embedded`, `replace_zipname`, sub-documents,
`save`) is docxtpl's own; every tag is compiled and rendered by docgen's
engine: sandboxed, with data escaped, errors naming the paragraph or cell,
and a part's compiled code kept for the next `render` of the same template.
See the README's "Coming from docxtpl" for what differs and why.
"""

from docxtpl.listing import Listing
from docxtpl.richtext import RichText, RichTextParagraph
from docxtpl.subdoc import Subdoc  # needs docxcompose, a dependency of docgen

from docgen.docxtpl.inline_image import InlineImage
from docgen.docxtpl.template import DocxTemplate
from docgen.errors import TemplateError

R = RichText
RP = RichTextParagraph


__all__ = [
    "DocxTemplate",
    "InlineImage",
    "Listing",
    "R",
    "RP",
    "RichText",
    "RichTextParagraph",
    "Subdoc",
    "TemplateError",
]
