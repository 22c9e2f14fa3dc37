"""The benchmark scripts at a small size: they must keep working (their figures are
not checked here; benchmarks/README or the README records them)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_matrix_benchmark_runs_at_a_small_size():
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if os.environ.get("IMVO_TEST_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["IMVO_TEST_DATABASE_URL"]  # a schema of its own, dropped after
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "matrix.py"), "--scale", "0.001"],
                            capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in ("Full matrix", "relevance kept by the process", "without the risk analysis", "Filtered matrix",
                   "Bare pandas groupby", "XLSX export", "CSV export", "Matrix page render"):
        assert figure in result.stdout, result.stdout


def test_the_load_benchmark_runs_at_a_small_size_and_loses_no_save():
    """Three respondents for two seconds against gunicorn (two workers, to boot faster):
    every figure is printed, every respondent submits, nothing fails and no save is lost."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if os.environ.get("IMVO_TEST_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["IMVO_TEST_DATABASE_URL"]  # a schema of its own, dropped after
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), "--users", "3", "--seconds", "2",
                             "--loop-seconds", "1", "--workers", "2"],
                            capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout
    for figure in ("Ceiling, a minimal Flask route", "shipped sections", "the 40-question section", "The rush",
                   "pages ", "saves ", "Server log"):
        assert figure in output, output
    assert "3 of 3 submitted" in output, output
    assert "Errors: 0 " in output and "0 tracebacks, 0 'database is locked'" in output, output
    lost = re.search(r"Lost saves: (\d+) of (\d+) acknowledged answers", output)
    assert lost and lost.group(1) == "0" and int(lost.group(2)) > 0, output
