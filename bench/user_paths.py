"""What users do, measured in the same run as `bench.run`'s (a) to (d).

(e) ``docgen batch`` (one process) over the records as YAML files against the same
    records as JSON, in alternating rounds: YAML is what clerks and scripts write;
(f) the same YAML files through a plain docxtpl script: ``yaml.safe_load``, the
    report's context, ``DocxTemplate(path)``, ``render``, ``save`` per document;
(g) the render itself, per document: the seed form against plain docxtpl, and a
    table-heavy template (a 20x5 row loop, a 10-item paragraph loop, Thai text)
    against docxtemplater, run through ``node`` when it is installed
    (``npm install docxtemplater pizzip`` into a cache folder outside the repository);
(h) hostile 20 MiB data files, each read by ``docgen render`` in a fresh process:
    its time and its peak memory above that of rendering the seed.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import yaml

from docgen import api
from docgen.batch.inputs import find_inputs
from docgen.batch.run import run_batch
from docgen.engine.docxtpl_reference import DocxtplTemplate
from docgen.engine.filters import make_environment
from docgen.report.context import indicator_context
from docgen.report.data import load, validate

ROOT = Path(__file__).resolve().parent.parent
NODE_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "docgen-bench" / "node"
)
MiB = 1 << 20
TARGETS = {
    "yaml_vs_json": 1.5,  # (e) YAML at most 1.5x the time of JSON
    "seed_vs_docxtpl": 50.0,  # (g) the seed form's render at least 50x plain docxtpl
    "table_vs_docxtemplater": 10.0,  # (g) the table-heavy render at least 10x docxtemplater
    "hostile_seconds": 10.0,  # (h) every hostile file answered within 10 s
    "hostile_extra_mb": 300.0,  # (h) and within 300 MB above rendering the seed
}


def _timed(function: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    if hasattr(os, "sync"):
        os.sync()
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


# --------------------------------------------------------------------------- (e), (f)


def yaml_copies(files: list[Path], folder: Path) -> list[Path]:
    """The JSON records as YAML files, as a clerk's or a script's would be."""
    paths = []
    for file in files:
        data = json.loads(file.read_text(encoding="utf-8"))
        path = folder / file.relative_to(file.parents[1]).with_suffix(".yaml")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def one_process(folder: Path, out: Path, resume: bool = False) -> int:
    template = api.Template(api.DEFAULT_TEMPLATE)
    found = find_inputs([folder], out)
    result = run_batch(found, template, out, jobs=1, total=len(found), resume=resume)
    if result.failed:
        raise SystemExit(f"{result.failed} documents failed: {result.failures[:3]}")
    if resume and result.written:
        raise SystemExit(f"--resume rendered {result.written} unchanged documents again")
    return result.documents


def resumed(folder: Path, work: Path) -> dict[str, float]:
    """`--resume` over the same unchanged YAML files against the full run before it."""
    out = work / "e-resume"
    full_s, documents = _timed(one_process, folder, out)
    resume_s, _ = _timed(one_process, folder, out, True)
    shutil.rmtree(out, ignore_errors=True)
    return {"documents": documents, "full_seconds": full_s, "resume_seconds": resume_s}


def plain_docxtpl_script(files: list[Path], out: Path, read: Callable[[Path], Any]) -> int:
    """What a script with plain docxtpl does for each document, reading each file
    with `read`: a new DocxTemplate, render, save."""
    template = str(api.DEFAULT_TEMPLATE)
    environment = make_environment("arabic")
    count = 0
    for file in files:
        report = read(file)
        for indicator, name in zip(report.all_indicators, api.output_names(report), strict=True):
            document = DocxtplTemplate(template)
            document.render(indicator_context(report, indicator), jinja_env=environment)
            target = out / file.parent.name / name
            target.parent.mkdir(parents=True, exist_ok=True)
            document.save(target)
            count += 1
    return count


def plain_yaml_script(files: list[Path], out: Path) -> int:
    """(f) A script with plain docxtpl over YAML files (PyYAML's `safe_load`)."""
    return plain_docxtpl_script(
        files, out, lambda file: validate(yaml.safe_load(file.read_text(encoding="utf-8")))
    )


def yaml_against_json(
    json_folder: Path, work: Path, rounds: int, plain_sample: int
) -> dict[str, Any]:
    """(e) and (f): rounds of JSON, YAML, YAML, JSON (a drift is shared alike)."""
    json_files = sorted(json_folder.rglob("*.json"))
    yaml_folder = work / "records-yaml"
    yaml_files = yaml_copies(json_files, yaml_folder)
    per_round = []
    for number in range(rounds):
        j1, n = _timed(one_process, json_folder, work / f"e-json-{number}")
        y1, _ = _timed(one_process, yaml_folder, work / f"e-yaml-{number}")
        y2, _ = _timed(one_process, yaml_folder, work / f"e-yaml-{number}-2")
        j2, _ = _timed(one_process, json_folder, work / f"e-json-{number}-2")
        per_round.append({"json": (j1 + j2) / 2, "yaml": (y1 + y2) / 2, "documents": n})
        for name in ("e-json", "e-yaml"):
            for suffix in ("", "-2"):
                shutil.rmtree(work / f"{name}-{number}{suffix}", ignore_errors=True)
    resume = resumed(yaml_folder, work)
    sample = yaml_files[:: max(1, len(yaml_files) // plain_sample)][:plain_sample]
    plain_s, plain_n = _timed(plain_yaml_script, sample, work / "f")
    documents = per_round[0]["documents"]
    json_s = statistics.median(r["json"] for r in per_round)
    yaml_s = statistics.median(r["yaml"] for r in per_round)
    ratios = [r["yaml"] / r["json"] for r in per_round]
    return {
        "documents": documents,
        "json_seconds": json_s,
        "yaml_seconds": yaml_s,
        "json_docs_per_s": documents / json_s,
        "yaml_docs_per_s": documents / yaml_s,
        "yaml_vs_json": statistics.median(ratios),
        "rounds": ratios,
        "resume": resume,
        "plain": {
            "documents": plain_n,
            "seconds": plain_s,
            "docs_per_s": plain_n / plain_s,
            "yaml_batch_vs_plain": (plain_s / plain_n) / (yaml_s / documents),
        },
    }


# --------------------------------------------------------------------------- (g)


def _per_document(render: Callable[[], Any], seconds: float = 3.0) -> float:
    """Seconds per document: the best of five spells, each of about a fifth of `seconds`."""
    render()  # warm
    started = time.perf_counter()
    count = 0
    while time.perf_counter() - started < seconds / 10:
        render()
        count += 1
    batch = max(1, count * 2)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(batch):
            render()
        best = min(best, (time.perf_counter() - started) / batch)
    return best


def seed_render(seconds: float) -> dict[str, float]:
    report = load(ROOT / "fixtures" / "indicator-3.2.yaml")
    context = indicator_context(report, report.all_indicators[0])
    template = api.Template(api.DEFAULT_TEMPLATE)
    environment = make_environment("arabic")

    def plain() -> None:
        document = DocxtplTemplate(str(api.DEFAULT_TEMPLATE))
        document.render(context, jinja_env=environment)
        document.save(io.BytesIO())

    times = _in_turn({"docgen": lambda: template.render(context), "docxtpl": plain}, seconds)
    ratios = [t / d for d, t in zip(times["docgen"], times["docxtpl"], strict=True)]
    return {
        "docgen_ms": 1000 * min(times["docgen"]),
        "docxtpl_ms": 1000 * min(times["docxtpl"]),
        "ratio": statistics.median(ratios),
        "rounds": ratios,
    }


def _in_turn(renders: dict[str, Callable[[], Any]], seconds: float) -> dict[str, list[float]]:
    """Seconds per document of each render in five rounds that take them in turn, each
    spell about a tenth of `seconds`: a shared machine changes speed from one moment to
    the next, and within a round each render sees about the same machine."""
    batches = {}
    for name, render in renders.items():
        render()  # warm
        started, count = time.perf_counter(), 0
        while time.perf_counter() - started < seconds / 20:
            render()
            count += 1
        batches[name] = max(1, count * 2)
    times: dict[str, list[float]] = {name: [] for name in renders}
    for _ in range(5):
        for name, render in renders.items():
            started = time.perf_counter()
            for _ in range(batches[name]):
                render()
            times[name].append((time.perf_counter() - started) / batches[name])
    return times


THAI = "ผลการดำเนินงานตามตัวชี้วัดของสำนักงานจังหวัด"
TABLE_DATA = {
    "title": "รายงานสรุปผลการดำเนินงาน ปีงบประมาณ พ.ศ. ๒๕๕๐",
    "rows": [
        {key: f"{THAI} {row + 1}.{col + 1}" for col, key in enumerate("abcde")} for row in range(20)
    ],
    "items": [f"ข้อ {n + 1}: {THAI}" for n in range(10)],
}


def table_templates(folder: Path) -> tuple[Path, Path]:
    """The table-heavy template in docxtpl's tags (docgen) and in docxtemplater's."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for dialect in ("docxtpl", "docxtemplater"):
        tpl = dialect == "docxtpl"
        document = docx.Document()
        document.add_paragraph("{{ title }}" if tpl else "{title}")
        table = document.add_table(rows=0, cols=5)
        header = table.add_row().cells
        for index, cell in enumerate(header):
            cell.text = f"หัวข้อ {index + 1}"
        if tpl:
            table.add_row().cells[0].text = "{%tr for r in rows %}"
            for cell, key in zip(table.add_row().cells, "abcde", strict=True):
                cell.text = "{{ r." + key + " }}"
            table.add_row().cells[0].text = "{%tr endfor %}"
        else:
            cells = table.add_row().cells
            for index, (cell, key) in enumerate(zip(cells, "abcde", strict=True)):
                opening = "{#rows}" if index == 0 else ""
                closing = "{/rows}" if index == 4 else ""
                cell.text = f"{opening}{{{key}}}{closing}"
        for text in (
            ("{%p for item in items %}", "{{ item }}", "{%p endfor %}")
            if tpl
            else ("{#items}", "{.}", "{/items}")
        ):
            document.add_paragraph(text)
        path = folder / f"table-{dialect}.docx"
        document.save(path)
        paths.append(path)
    return paths[0], paths[1]


NODE_SCRIPT = r"""
const fs = require("fs");
const PizZip = require("pizzip");
const Docxtemplater = require("docxtemplater");
const [template, dataFile, seconds] = process.argv.slice(2);
const content = fs.readFileSync(template);
const data = JSON.parse(fs.readFileSync(dataFile, "utf8"));
function render() {
  const doc = new Docxtemplater(new PizZip(content), { paragraphLoop: true, linebreaks: true });
  doc.render(data);
  return doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" });
}
fs.writeFileSync(template + ".out.docx", render());
let count = 0;
let started = process.hrtime.bigint();
while (Number(process.hrtime.bigint() - started) / 1e9 < seconds / 10) { render(); count++; }
const batch = Math.max(1, count * 2);
let best = Infinity;
for (let spell = 0; spell < 5; spell++) {
  started = process.hrtime.bigint();
  for (let i = 0; i < batch; i++) render();
  best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9 / batch);
}
console.log(JSON.stringify({ seconds: best }));
"""


def docxtemplater_ready() -> str | None:
    """Why docxtemplater cannot run here, or None when it can (installed on first use)."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (NODE_CACHE / "node_modules" / "docxtemplater").is_dir():
        if shutil.which("npm") is None:
            return "npm is not installed"
        NODE_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "docxtemplater", "pizzip"],
            cwd=NODE_CACHE,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            return f"npm install docxtemplater pizzip failed: {done.stderr.strip()[-200:]}"
    return None


def table_render(work: Path, seconds: float) -> dict[str, Any]:
    ours, theirs = table_templates(work / "g")
    template = api.Template(ours)
    rendered = template.render(TABLE_DATA)
    text = _document_text(rendered)
    assert text.count(THAI) == 20 * 5 + 10, "the table-heavy template rendered wrongly"
    result: dict[str, Any] = {
        "docgen_ms": 1000 * _per_document(lambda: template.render(TABLE_DATA), seconds)
    }
    missing = docxtemplater_ready()
    if missing is not None:
        result["docxtemplater"] = f"not measured: {missing}"
        return result
    data = work / "g" / "table.json"
    data.write_text(json.dumps(TABLE_DATA, ensure_ascii=False), encoding="utf-8")
    script = work / "g" / "render.js"
    script.write_text(NODE_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        ["node", str(script), str(theirs), str(data), str(seconds)],
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(NODE_CACHE / "node_modules")},
        timeout=600,
        check=True,
    )
    theirs_text = _document_text(Path(str(theirs) + ".out.docx").read_bytes())
    assert theirs_text.count(THAI) == 20 * 5 + 10, "docxtemplater rendered the table wrongly"
    node_s = json.loads(done.stdout)["seconds"]
    result |= {"docxtemplater_ms": 1000 * node_s, "ratio": node_s / (result["docgen_ms"] / 1000)}
    return result


def _document_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# --------------------------------------------------------------------------- (h)


def hostile_files(folder: Path) -> dict[str, Path]:
    """20 MiB data files that once took minutes and gigabytes."""
    folder.mkdir(parents=True, exist_ok=True)
    size = 20 * MiB - 64  # within the 20 MiB limit, so the parse is what answers
    texts = {
        "yaml-flat-list.yaml": lambda: "- 1\n" * (size // 4),
        "yaml-flow-list.yaml": lambda: "[" + "1," * (size // 2 - 1) + "1]",
        "yaml-mapping.yaml": lambda: "".join(f"k{i}: v\n" for i in range(size // 12)),
        "yaml-long-text.yaml": lambda: "a: " + "ก" * (size // 3 - 2),
        "json-flat-list.json": lambda: "[" + "1," * (size // 2 - 1) + "1]",
        "json-empty-lists.json": lambda: "[" + "[]," * (size // 3 - 1) + "[]]",
        "json-empty-objects.json": lambda: "[" + "{}," * (size // 3 - 1) + "{}]",
        "json-deep.json": lambda: "[" * size,
    }
    paths = {}
    for name, make in texts.items():
        path = folder / name
        path.write_text(make(), encoding="utf-8")
        paths[name] = path
    return paths


def _render_process(path: Path, out: Path) -> dict[str, Any]:
    """`docgen render` in a fresh process: seconds, peak memory, its message."""
    command = [sys.executable, "-m", "docgen", "render", str(path), "-o", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stdout, stderr = process.communicate(timeout=600)
    seconds = time.perf_counter() - started
    # the child's own peak: ru_maxrss of RUSAGE_CHILDREN is the largest of all children
    peak = _peak_of_last_child()
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "exit": process.returncode,
        "message": (stderr or stdout).strip().splitlines()[-1]
        if (stderr or stdout).strip()
        else "",
    }


def _peak_of_last_child() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def hostile_inputs(work: Path) -> dict[str, Any]:
    """(h) Each hostile file in its own process, after the seed (the baseline)."""
    baseline = _isolated(ROOT / "fixtures" / "indicator-3.2.yaml", work / "h-out")
    results = {"baseline_peak_mb": baseline["peak_mb"], "files": {}}
    for name, path in hostile_files(work / "h").items():
        measured = _isolated(path, work / "h-out")
        measured["extra_mb"] = measured["peak_mb"] - baseline["peak_mb"]
        measured["size_mib"] = path.stat().st_size / MiB
        results["files"][name] = measured
        path.unlink()
    return results


def _isolated(path: Path, out: Path) -> dict[str, Any]:
    """`_render_process` run from a fresh helper process, so that the peak is its own."""
    code = (
        "import json, sys; from pathlib import Path; from bench.user_paths import _render_process; "
        "print(json.dumps(_render_process(Path(sys.argv[1]), Path(sys.argv[2]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    return json.loads(done.stdout)


# --------------------------------------------------------------------------- report


def measure(
    json_folder: Path, work: Path, rounds: int, plain_sample: int, seconds: float, hostile: bool
) -> tuple[dict[str, Any], list[tuple[str, float, float, bool]]]:
    """Measure (e) to (h), print them; return the results and the targets' checks."""
    results: dict[str, Any] = {}
    checks: list[tuple[str, float, float, bool]] = []
    e = results["yaml"] = yaml_against_json(json_folder, work, rounds, plain_sample)
    print(
        f"(e) docgen batch, one process, {e['documents']} documents: JSON "
        f"{e['json_docs_per_s']:.0f} docs/s ({1000 / e['json_docs_per_s']:.2f} ms/doc), YAML "
        f"{e['yaml_docs_per_s']:.0f} docs/s ({1000 / e['yaml_docs_per_s']:.2f} ms/doc): YAML takes "
        f"{e['yaml_vs_json']:.2f}x the time of JSON (rounds: "
        + ", ".join(f"{r:.2f}" for r in e["rounds"])
        + ")"
    )
    f = e["plain"]
    print(
        f"(f) plain docxtpl script over the YAML files (yaml.safe_load, render, save), "
        f"{f['documents']} documents: {f['docs_per_s']:.1f} docs/s "
        f"({1000 / f['docs_per_s']:.1f} ms/doc); (e)'s YAML batch is "
        f"{f['yaml_batch_vs_plain']:.1f}x that"
    )
    checks.append(
        ("(e) YAML within 1.5x of JSON", e["yaml_vs_json"], TARGETS["yaml_vs_json"], False)
    )
    r = e["resume"]
    share = r["resume_seconds"] / r["full_seconds"]
    print(
        f"    --resume over the {r['documents']} unchanged YAML files: {r['resume_seconds']:.2f} s "
        f"against {r['full_seconds']:.2f} s for the full run ({share:.1%})"
    )
    checks.append(("(e) --resume of unchanged inputs <= 10% of the full run", share, 0.10, False))
    g = results["render"] = {"seed": seed_render(seconds), "table": table_render(work, seconds)}
    print(
        f"(g) the render itself, per document: seed form {g['seed']['docgen_ms']:.2f} ms, plain "
        f"docxtpl {g['seed']['docxtpl_ms']:.1f} ms: {g['seed']['ratio']:.1f}x (median of rounds: "
        + ", ".join(f"{r:.1f}" for r in g["seed"]["rounds"])
        + ")"
    )
    checks.append(
        ("(g) seed render >= 50x docxtpl", g["seed"]["ratio"], TARGETS["seed_vs_docxtpl"], True)
    )
    table = g["table"]
    if "ratio" in table:
        print(
            f"    table-heavy (20x5 rows, 10 paragraphs, Thai) {table['docgen_ms']:.2f} ms, "
            f"docxtemplater (node) {table['docxtemplater_ms']:.2f} ms: {table['ratio']:.1f}x"
        )
        checks.append(
            (
                "(g) table render >= 10x docxtemplater",
                table["ratio"],
                TARGETS["table_vs_docxtemplater"],
                True,
            )
        )
    else:
        print(
            f"    table-heavy {table['docgen_ms']:.2f} ms; docxtemplater {table['docxtemplater']}"
        )
    if hostile:
        h = results["hostile"] = hostile_inputs(work)
        print(
            f"(h) hostile data files, each read by `docgen render` in a fresh process "
            f"(peak memory above the seed's render, {h['baseline_peak_mb']:.0f} MB):"
        )
        for name, found in h["files"].items():
            print(
                f"    {name:<26} {found['size_mib']:5.1f} MiB {found['seconds']:6.2f} s "
                f"{found['extra_mb']:+7.1f} MB  exit {found['exit']}: {found['message'][-90:]}"
            )
        slowest = max(found["seconds"] for found in h["files"].values())
        largest = max(found["extra_mb"] for found in h["files"].values())
        clean = all(found["exit"] == 1 for found in h["files"].values())
        checks.append(("(h) slowest hostile file (s)", slowest, TARGETS["hostile_seconds"], False))
        checks.append(("(h) most extra memory (MB)", largest, TARGETS["hostile_extra_mb"], False))
        checks.append(("(h) every one a clean error (exit 1)", float(clean), 1.0, True))
    return results, checks
