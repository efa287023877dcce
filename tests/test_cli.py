"""The command line: `docgen serve` as the README tells a clerk to start it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from click.testing import CliRunner
from conftest import ROOT

from docgen.cli import main


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_without_a_workspace_creates_reports_and_answers_on_localhost(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "docgen", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    page = answer.read().decode("utf-8")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "docgen serve did not answer"
                time.sleep(0.1)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert (tmp_path / "reports").is_dir()
    assert f"<code>{tmp_path / 'reports'}</code>" in page
    assert f"the form is at http://localhost:{port}/" in output


def test_serve_refuses_a_workspace_that_is_not_a_folder(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--workspace", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "is not a folder" in result.output


def test_serve_on_a_port_in_use_is_an_environment_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "docgen", "serve", "--workspace", str(tmp_path)]
            + ["--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 3
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.stderr
