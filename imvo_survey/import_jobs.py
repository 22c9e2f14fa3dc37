"""The background job of a large import (`jobs.runner.KINDS["import"]`): its params say
which import it is, and that import's module does it (`jobs.imports` has what they
share). Nothing imports this module but the runner, by name."""

from __future__ import annotations

from .benchmark_scores import import_job as benchmark_job
from .jobs.imports import forget
from .jobs.runner import Outcome, Progress
from .models import Job
from .organisations import import_job as organisations_job

#: params["import"] -> the module that does it.
IMPORTS = {"organisations": organisations_job, "benchmark": benchmark_job}


def run(job: Job, target, progress: Progress) -> Outcome:
    return IMPORTS[job.params["import"]].run(job, target, progress)


def give_up(job: Job, reason: str) -> None:
    """The job failed for good: its kept upload goes (nothing was saved)."""
    forget(job)
