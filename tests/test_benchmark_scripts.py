"""The benchmark scripts at a small size: they must keep working (their figures are
not checked here; benchmarks/README or the README records them)."""

from __future__ import annotations

import os
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
    for figure in ("Full matrix", "without the risk analysis", "Filtered matrix", "Bare pandas groupby",
                   "XLSX export", "CSV export", "Matrix page render"):
        assert figure in result.stdout, result.stdout
