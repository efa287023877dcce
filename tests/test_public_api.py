"""`import docgen` gives a script what it needs, under names that say what they do."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings

import docx
import pytest
from helpers import REPORT_DATA, SEED_DATA, document_text, make_template

import docgen


def test_template_renders_from_the_package_root(tmp_path):
    path = make_template(tmp_path / "t.docx", ["ตัวชี้วัด {{ code }}: {{ name }}"])
    payload = docgen.Template(path).render({"code": "3.2", "name": "<ไม่ใช่แท็ก>"})
    [paragraph] = docx.Document(io.BytesIO(payload)).paragraphs
    assert paragraph.text == "ตัวชี้วัด 3.2: <ไม่ใช่แท็ก>"


def test_all_lists_every_export():
    assert sorted(docgen.__all__) == sorted(["__version__", *docgen._EXPORTS])


@pytest.mark.parametrize("name", docgen.__all__)
def test_every_public_name_resolves(name):
    assert getattr(docgen, name) is not None
    assert name in dir(docgen)


def test_importing_docgen_loads_nothing_heavy():
    """`import docgen` (and so `import docgen.thai`) does not load the engine or Jinja."""
    code = "import sys, docgen; print('docgen.api' in sys.modules, 'jinja2' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_indicator_docx_picks_the_indicator_by_code(tmp_path):
    payload = docgen.indicator_docx(REPORT_DATA, "3.3")
    (tmp_path / "one.docx").write_bytes(payload)
    assert "ร้อยละ 98.2" in document_text(tmp_path / "one.docx")


def test_indicator_docx_names_the_codes_when_one_is_missing():
    with pytest.raises(docgen.UsageError, match=r"no indicator '9\.9'; its codes are 1\.1, 1\.2"):
        docgen.indicator_docx(REPORT_DATA, "9.9")


def test_render_report_writes_and_data_errors_are_docgen_errors(tmp_path):
    result = docgen.render_report(SEED_DATA, out_dir=tmp_path)
    assert [d.path.name for d in result.documents] == ["2550-r12-3.2.docx"]
    with pytest.raises(docgen.DataError) as caught:
        docgen.load_report({"report": {"fiscal_year": 2550}})
    assert isinstance(caught.value, docgen.DocgenError)


def test_old_names_still_work_for_one_release_with_a_warning():
    from docgen import api

    report = docgen.load_report(SEED_DATA)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from docgen.template import Template

        payload = api.render_indicator(report, report.indicator, api.load_template())
    assert Template is docgen.Template
    assert payload[:2] == b"PK"
    assert [w.category for w in caught] == [DeprecationWarning, DeprecationWarning]
