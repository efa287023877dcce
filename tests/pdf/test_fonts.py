"""The fonts LibreOffice gets for TH Sarabun text: found, derived, cached, reported."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from helpers import laksaman_regular, require

from docgen.errors import OutputError
from docgen.output import TEMP_PREFIX
from docgen.pdf import fonts
from docgen.pdf.fonts import (
    FontSetup,
    find_thai_fonts,
    prepare_pdf_fonts,
)

ROOT = Path(__file__).resolve().parents[2]


def fc_match(setup: FontSetup, pattern: str) -> Path:
    """The file fontconfig picks for `pattern` in the environment LibreOffice gets."""
    require("fc-match (fontconfig)", shutil.which("fc-match") is not None)
    out = subprocess.run(
        ["fc-match", "--format", "%{file}", pattern],
        env={**os.environ, **setup.env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Path(out)


def renamed_copy(src: Path, dest: Path, family: str, ps_name: str) -> Path:
    """A stand-in for a real TH Sarabun file: same font under another name, not scaled."""
    font = TTFont(src)
    for platform in ((1, 0, 0), (3, 1, 0x409)):
        font["name"].setName(family, 1, *platform)
        font["name"].setName(family, 4, *platform)
        font["name"].setName(ps_name, 6, *platform)
    font["name"].removeNames(nameID=16)
    font.save(dest)
    return dest


@pytest.fixture(autouse=True)
def _no_user_font_env(monkeypatch):
    """Tests must not depend on the developer's own font or cache settings."""
    monkeypatch.delenv(fonts.FONT_DIR_ENV, raising=False)
    monkeypatch.delenv(fonts.CACHE_DIR_ENV, raising=False)


@pytest.fixture(scope="module")
def derived(tmp_path_factory) -> FontSetup:
    laksaman_regular()
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(fonts.FONT_DIR_ENV, raising=False)
        setup = prepare_pdf_fonts(cache_dir=cache)
    if not setup.substituted:
        pytest.skip(f"real TH Sarabun is installed ({setup.font_name}); nothing is derived")
    return setup


def test_find_thai_fonts_lists_laksaman_in_four_styles():
    laksaman_regular()
    found = [f for f in find_thai_fonts() if f.family == "Laksaman"]
    assert {f.style for f in found} >= {"Regular", "Bold", "Italic", "Bold Italic"}
    assert all(f.path.is_file() and not f.is_derived for f in found)


def test_find_thai_fonts_reads_font_dir_and_env(tmp_path, monkeypatch):
    src = laksaman_regular()
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    renamed_copy(src, a / "THSarabun.ttf", "TH SarabunPSK", "THSarabunPSK")
    renamed_copy(src, b / "THSarabunNew.ttf", "TH Sarabun New", "THSarabunNew")
    (b / "notes.ttf").write_text("not a font")
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(b))
    found = find_thai_fonts(a)
    assert [f.family for f in found[:2]] == ["TH Sarabun New", "TH SarabunPSK"]
    assert all(f.is_target for f in found[:2])
    assert not any(f.path.name == "notes.ttf" for f in found)


def test_derived_fonts_are_laksaman_at_066_under_th_sarabun_names(derived):
    files = {p.name: p for p in derived.files}
    assert len(files) == 8  # two families x regular, bold, italic, bold italic
    seen = set()
    for path in files.values():
        font = TTFont(path)
        name = font["name"]
        family, style = name.getDebugName(1), name.getDebugName(2)
        ps_name = name.getDebugName(6)
        seen.add((family, style))
        assert "docgen-Laksaman" in ps_name
        assert ps_name.startswith(family.replace(" ", ""))
        src_name = "Laksaman" + {"Regular": ""}.get(style, "-" + style.replace(" ", ""))
        src = TTFont(laksaman_regular().with_name(src_name + ".ttf"))
        # Same outlines and advances, bigger em: everything renders at 0.66.
        scale = src["head"].unitsPerEm / font["head"].unitsPerEm
        assert scale == pytest.approx(0.66, abs=0.001)
        assert font["hmtx"]["uni0E01"] == src["hmtx"]["uni0E01"]
        assert font["glyf"]["uni0E01"].coordinates == src["glyf"]["uni0E01"].coordinates
        assert font["head"].macStyle == src["head"].macStyle
    assert seen == {
        (fam, st)
        for fam in ("TH SarabunPSK", "TH Sarabun New")
        for st in ("Regular", "Bold", "Italic", "Bold Italic")
    }


def test_fontconfig_file_adds_derived_fonts_to_the_system_config(derived):
    conf = Path(derived.env["FONTCONFIG_FILE"])
    assert conf == derived.fontconfig_file and conf.is_file()
    text = conf.read_text()
    assert "<include" in text and "fonts.conf</include>" in text
    assert str(derived.files[0].parent) in text
    assert derived.font_name == "TH SarabunPSK (derived from Laksaman, scaled 0.66)"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("TH SarabunPSK", "THSarabunPSK-docgen-Laksaman.ttf"),
        ("TH SarabunPSK:bold", "THSarabunPSK-docgen-Laksaman-Bold.ttf"),
        ("TH SarabunPSK:bold:italic", "THSarabunPSK-docgen-Laksaman-BoldItalic.ttf"),
        ("TH Sarabun New:italic", "THSarabunNew-docgen-Laksaman-Italic.ttf"),
        ("TH Sarabun PSK", "THSarabunPSK-docgen-Laksaman.ttf"),  # as people often type it
        ("Laksaman", "Laksaman.ttf"),  # the original stays available, unscaled
    ],
)
def test_fontconfig_resolves_th_sarabun_to_the_derived_files(derived, pattern, expected):
    assert fc_match(derived, pattern).name == expected


def test_cache_is_reused_not_rebuilt(derived, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in derived.files}
    again = prepare_pdf_fonts(cache_dir=derived.fontconfig_file.parents[2])
    assert again == derived
    assert {p: p.stat().st_mtime_ns for p in again.files} == before


def test_cache_dir_env_var_is_honoured(tmp_path, monkeypatch):
    laksaman_regular()
    monkeypatch.setenv(fonts.CACHE_DIR_ENV, str(tmp_path))
    setup = prepare_pdf_fonts()
    if not setup.substituted:
        pytest.skip("real TH Sarabun is installed")
    assert setup.fontconfig_file.is_relative_to(tmp_path / "fonts")


def test_concurrent_first_use_builds_one_complete_cache(tmp_path):
    laksaman_regular()
    code = (
        "import sys; from docgen.pdf.fonts import prepare_pdf_fonts; "
        "print(prepare_pdf_fonts(cache_dir=sys.argv[1]).fontconfig_file)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env["PYTHONPATH"] = str(ROOT)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in outputs]
    confs = {out.strip() for out, _ in outputs}
    assert len(confs) == 1
    entries = sorted(p.name for p in (tmp_path / "fonts").iterdir())
    assert len(entries) == 1 and not entries[0].startswith(TEMP_PREFIX), entries
    for ttf in (tmp_path / "fonts" / entries[0] / "fonts").iterdir():
        TTFont(ttf)["glyf"]  # every file complete and readable


def test_unusable_cache_dir_is_an_output_error(tmp_path):
    laksaman_regular()
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    with pytest.raises(OutputError) as err:
        prepare_pdf_fonts(cache_dir=blocker)
    assert err.value.exit_code == 3
    assert fonts.CACHE_DIR_ENV in str(err.value)


def test_real_font_in_font_dir_is_used_instead_of_deriving(tmp_path):
    folder = tmp_path / "real"
    folder.mkdir()
    real = renamed_copy(
        laksaman_regular(), folder / "THSarabun.ttf", "TH SarabunPSK", "THSarabunPSK"
    )
    setup = prepare_pdf_fonts(font_dir=folder, cache_dir=tmp_path / "cache")
    assert not setup.substituted
    assert setup.font_name == f"TH SarabunPSK ({real})"
    assert not list((tmp_path / "cache").rglob("*.ttf"))  # nothing derived
    assert fc_match(setup, "TH SarabunPSK") == real


def test_real_th_sarabun_new_also_serves_th_sarabunpsk(tmp_path, monkeypatch):
    folder = tmp_path / "real"
    folder.mkdir()
    new = renamed_copy(
        laksaman_regular(), folder / "THSarabunNew.ttf", "TH Sarabun New", "THSarabunNew"
    )
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(folder))
    setup = prepare_pdf_fonts(cache_dir=tmp_path / "cache")
    assert not setup.substituted and str(new) in setup.font_name
    assert fc_match(setup, "TH SarabunPSK") == new


def test_derived_fonts_never_count_as_real(derived, tmp_path):
    folder = derived.files[0].parent
    found = [f for f in find_thai_fonts(folder) if f.path.parent == folder]
    assert len(found) == 8 and all(f.is_derived and not f.is_target for f in found)
    again = prepare_pdf_fonts(font_dir=folder, cache_dir=tmp_path)
    assert again.substituted


def test_no_thai_font_at_all_says_how_to_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "_fc_list_fonts", lambda: [])
    with pytest.raises(OutputError) as err:
        prepare_pdf_fonts(cache_dir=tmp_path)
    text = str(err.value)
    assert "apt-get install libreoffice-writer fonts-thai-tlwg" in text
    assert fonts.FONT_DIR_ENV in text
