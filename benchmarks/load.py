"""A deadline rush: respondents filling in the questionnaire at once, against the app
served by gunicorn, with the ceiling of the same server beside it.

    .venv/bin/python benchmarks/load.py                          # 50 respondents, 60 s, SQLite
    DATABASE_URL=postgresql://... .venv/bin/python benchmarks/load.py
    .venv/bin/python benchmarks/load.py --users 3 --seconds 3    # small, as the test suite runs it

It builds a fresh database (a SQLite file, or a PostgreSQL schema of its own dropped
afterwards) by the migrations, with the reference data and the shipped questionnaires;
a round with one invited organisation (and invitation link) per respondent; and a
fixture questionnaire with one section of 40 questions. Then, with gunicorn on loopback:

1. the ceiling: a minimal Flask route doing one query (benchmarks/ceiling_app.py),
   fetched in a closed loop by as many clients as there are respondents;
2. the same closed loop over the shipped section pages, and over the 40-question page;
3. the rush: each respondent opens its link, starts, and goes through the sections,
   changing answers and saving them as the page does (an autosave of the form as it
   stands, then Save and go to the next section, the form token read from the page);
   when the time is up each completes its pass and submits;
4. every save the server acknowledged is looked up in the database (lost saves), and
   the server's log is read for errors ("database is locked" among them).

Targets (issue 14) are printed beside the figures; the script does not fail on them.
Its own clients run on the same machine and take part of its CPU.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from load_client import (  # noqa: E402 - after the path is set
    Browser,
    Recorder,
    RequestFailed,
    autosave_reply,
    form_posting_to,
    forms_of,
    hammer,
    percentiles,
    typed_value,
)
from load_fixtures import build, stored_answers  # noqa: E402
from matrix import make_app, scratch_database  # noqa: E402

TARGETS = {"page_share": 0.30, "postgres_share": 0.8, "page_p95_ms": 100, "save_p95_ms": 150}


# --- the servers ------------------------------------------------------------------------

def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, workers: int, env: dict, log: Path, ready: str, pythonpath: str | None = None):
    """Serve `app` with `workers` processes on a free loopback port until the block ends
    (stopped by its process group). Yields a function that waits until a worker answers
    `ready` and returns the port: both servers boot at once, which halves the wait."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--timeout", "120"]
    if pythonpath:
        command += ["--pythonpath", pythonpath]
    environment = {**os.environ, **env, "IMVO_BASE_URL": f"http://127.0.0.1:{port}"}
    with log.open("w") as output:
        process = subprocess.Popen([*command, app], cwd=ROOT, env=environment, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield lambda: _wait_until_up(port, process, log, ready)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_up(port: int, process: subprocess.Popen, log: Path, path: str) -> int:
    """Until a worker answers `path` (the arbiter listens before its workers have loaded the app)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return port
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer within 120 s:\n{log.read_text()[-3000:]}")


def app_environment(database: str, folder: Path) -> dict:
    """The production configuration, as deployed, but on loopback without TLS; rate
    limits counted per worker (in memory) and the link limit out of the way, since every
    respondent comes from the same address here."""
    return {"IMVO_ENV": "production", "SECRET_KEY": "load-benchmark-" + "x" * 32, "DATABASE_URL": database,
            "RATELIMIT_STORAGE_URI": "memory://", "INVITATION_RATE_LIMIT": "100000 per minute",
            "MAIL_BACKEND": "file", "IMVO_ALLOW_FILE_MAIL": "1", "MAIL_FILE_DIR": str(folder / "mail"),
            "IMVO_INSTANCE_PATH": str(folder), "IMVO_SECURE_COOKIES": "0"}


# --- the respondent ---------------------------------------------------------------------

class Respondent:
    """One person with one invitation link, going through the questionnaire."""

    def __init__(self, browser: Browser, token: str, seed: int):
        self.browser = browser
        self.token = token
        self.rng = random.Random(seed)
        self.invitation_id: int | None = None
        #: The answers the server said it stored, by question code (the last one counts).
        self.acknowledged: dict[str, list[str]] = {}
        self.submitted = False

    def fail(self, what: str, reply) -> None:
        """Count an unexpected answer as an error; the respondent stops (returns None)."""
        kind = f"{what}: HTTP {reply.status}"
        if reply.status == 409:
            kind += " (conflict)"
        self.browser.recorder.error(kind)

    def open_link(self) -> str | None:
        """Open the link, start the response; the first section's path."""
        reply = self.browser.get(f"/i/{self.token}")
        if reply.status != 302:
            return self.fail("open link", reply)
        overview_path = reply.location
        self.invitation_id = int(overview_path.rstrip("/").split("/")[-1])
        overview = self.browser.get(overview_path)
        start = form_posting_to(overview.text, "/start")
        if overview.status != 200 or start is None:
            return self.fail("overview", overview)
        reply = self.browser.request("save", "POST", start.action, start.pairs())
        if reply.status != 302 or "/section/" not in (reply.location or ""):
            return self.fail("start", reply)
        return reply.location

    def visit(self, path: str, fill_all: bool) -> str | None:
        """One section: load it, change answers, autosave, change one more, Save and go
        on. Returns where the save led (the next section or the summary)."""
        page = self.browser.get(path)
        form = next((f for f in forms_of(page.text) if "data-autosave-url" in f.attrs), None)
        if page.status != 200 or form is None:
            return self.fail("section page", page)
        codes = list(form.controls)
        chosen = codes if fill_all else self.rng.sample(codes, min(len(codes), 2))
        if chosen:
            self._change(form, chosen)
            reply = self.browser.request("autosave", "POST", form.attrs["data-autosave-url"], form.pairs(),
                                         {"Accept": "application/json"})
            answer = autosave_reply(reply) or {}
            if reply.status != 200 or answer.get("status") != "saved":
                return self.fail("autosave", reply)
            errors = answer.get("errors") or {}
            if errors:
                self.browser.recorder.error(f"autosave: answers refused ({', '.join(sorted(errors))})")
            self._acknowledge(form, [code for code in chosen if code not in errors])
            form.values["lock_version"] = [str(answer["lock_version"])]
            form.values["base"] = [json.dumps(answer["base"])]
            chosen = self.rng.sample(codes, 1)
            self._change(form, chosen)
        section = path.rstrip("/").split("/")[-1]
        go_to = next(value for name, value in form.buttons
                     if name == "go_to" and ":" not in value and value != section)
        reply = self.browser.request("save", "POST", path, [*form.pairs(), ("go_to", go_to)])
        if reply.status != 302:
            return self.fail("save", reply)
        self._acknowledge(form, chosen)
        return reply.location

    def _change(self, form, codes: list[str]) -> None:
        for code in codes:
            form.values[code] = typed_value(form.controls[code], self.rng)

    def _acknowledge(self, form, codes: list[str]) -> None:
        for code in codes:
            self.acknowledged[code] = form.values[code]

    def submit(self, summary_path: str) -> None:
        """From the summary: the submit button, then the confirmation page."""
        summary = self.browser.get(summary_path)
        form = form_posting_to(summary.text, "/submit")
        if summary.status != 200 or form is None:
            return self.fail("summary", summary)
        reply = self.browser.request("save", "POST", form.action, form.pairs())
        if reply.status != 302 or not (reply.location or "").endswith("/submitted"):
            return self.fail("submit", reply)
        self.browser.get(reply.location)
        self.submitted = True

    def run(self, stop: float) -> None:
        """Open the link, then pass through the sections; the first pass answers every
        question. A pass that ends after `stop` ends with the submission."""
        try:
            path = first = self.open_link()
            fill_all = True
            while path is not None:
                path = self.visit(path, fill_all)
                if path is not None and path.endswith("/summary"):
                    if time.perf_counter() >= stop:
                        self.submit(path)
                        return
                    self.browser.get(path)  # a look at the summary before the next pass
                    path, fill_all = first, False
        except RequestFailed:
            return


def rush(port: int, tokens: list[str], seconds: float, think: float,
         recorder: Recorder) -> tuple[list[Respondent], float]:
    """All respondents at once until `seconds` have passed (and their last passes)."""
    respondents = [Respondent(Browser(port, recorder, think, random.Random(-seed)), token, seed)
                   for seed, token in enumerate(tokens)]
    start = time.perf_counter()
    threads = [threading.Thread(target=r.run, args=(start + seconds,), daemon=True) for r in respondents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return respondents, time.perf_counter() - start


def section_paths(port: int, token: str, count: int, recorder: Recorder) -> tuple[list[Browser], list[str]]:
    """`count` browsers that opened the same link, and the paths of its sections."""
    first = Respondent(Browser(port, recorder), token, 0)
    path = first.open_link()
    if path is None:
        raise RuntimeError(f"could not open a link to measure pages: {recorder.errors}")
    overview = first.browser.get(f"/respond/{first.invitation_id}").text
    prefix = path.rsplit("/", 1)[0] + "/"
    paths = sorted({href for href in _links(overview) if href.startswith(prefix)}) or [path]
    browsers = [first.browser]
    for _number in range(count - 1):
        browser = Browser(port, recorder)
        browser.get(f"/i/{token}")
        browsers.append(browser)
    return browsers, paths


def _links(html: str) -> list[str]:
    """The targets of a page's links."""
    return re.findall(r'href="([^"]+)"', html)


# --- the report -------------------------------------------------------------------------

def lost_saves(app, respondents: list[Respondent]) -> tuple[int, int]:
    """(acknowledged answers, of which not as acknowledged in the database)."""
    checked = lost = 0
    with app.app_context():
        for respondent in respondents:
            if respondent.invitation_id is None:
                continue
            stored = stored_answers(respondent.invitation_id)
            for code, values in respondent.acknowledged.items():
                checked += 1
                if sorted(v for v in values if v) != stored.get(code, []):
                    lost += 1
    return checked, lost


def latency_line(label: str, times: list[float], target: int | None) -> str:
    """One row of the latency table, with its target when it has one."""
    p50, p95, p99 = percentiles(times)
    aim = f" (target p95 < {target} ms)" if target else ""
    return f"  {label:<10} {len(times):>6} requests  p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  p99 {p99:6.0f} ms{aim}"


def server_errors(logs: list[Path]) -> dict[str, int]:
    """What the servers logged: tracebacks (a 500 logs one), and SQLite's lock timeouts."""
    text = "\n".join(log.read_text(errors="replace") for log in logs if log.exists())
    return {"tracebacks": text.count("Traceback (most recent call last)"),
            "database is locked": text.count("database is locked")}


def measure(args, database: str, folder: Path) -> dict:
    """Build, serve and measure; the figures for `report`."""
    begun = time.perf_counter()
    app = make_app(database)
    with app.app_context():
        fixture = build(args.users)
    print(f"Building the database took {time.perf_counter() - begun:.1f} s.")
    env = app_environment(database, folder)
    recorder, rush_recorder = Recorder(), Recorder()
    figures = {"loop": args.loop_seconds or min(15.0, max(3.0, args.seconds / 4))}
    with (gunicorn("ceiling_app:app", args.workers, {**env, "IMVO_CEILING_DATABASE_URL": database},
                   folder / "ceiling.log", "/ceiling", pythonpath=str(HERE)) as ceiling_server,
          gunicorn("wsgi:app", args.workers, env, folder / "app.log", "/health") as app_server):
        port = ceiling_server()
        hammer([Browser(port, recorder) for _ in range(args.users)], ["/ceiling"], 1, "warm-up")
        figures["ceiling"] = hammer([Browser(port, recorder) for _ in range(args.users)], ["/ceiling"],
                                    figures["loop"], "ceiling")
        port = app_server()
        print(f"Both servers answered after {time.perf_counter() - begun:.1f} s.")
        browsers, figures["paths"] = section_paths(port, fixture.pages_token, args.users, recorder)
        hammer(browsers, figures["paths"], 1, "warm-up")
        figures["shipped"] = hammer(browsers, figures["paths"], figures["loop"], "shipped")
        browsers, paths = section_paths(port, fixture.forty_token, args.users, recorder)
        figures["forty"] = hammer(browsers, paths, figures["loop"], "forty")
        figures["respondents"], figures["elapsed"] = rush(port, fixture.tokens, args.seconds, args.think,
                                                              rush_recorder)
    figures["checked"], figures["lost"] = lost_saves(app, figures["respondents"])
    figures["logged"] = server_errors([folder / "ceiling.log", folder / "app.log"])
    figures["recorder"], figures["rush_recorder"] = recorder, rush_recorder
    with app.app_context():
        from imvo_survey.extensions import db

        db.session.remove()
        db.engine.dispose()
    print(f"Measuring took {time.perf_counter() - begun:.1f} s.")
    return figures


def report(args, figures: dict) -> None:
    """Print the figures with their targets."""
    ceiling, recorder, rush_recorder = figures["ceiling"], figures["recorder"], figures["rush_recorder"]
    print(f"Ceiling, a minimal Flask route doing one query: {ceiling:.0f} requests/s "
          f"({args.users} clients, closed loop, {figures['loop']:g} s)")
    print("Closed loop over one organisation's section pages (the same clients):")
    for label, kind in ((f"shipped sections ({len(figures['paths'])})", "shipped"),
                        ("the 40-question section", "forty")):
        rate = figures[kind]
        p50, p95, _p99 = percentiles(recorder.times(kind))
        print(f"  {label}: {rate:.0f} requests/s, {rate / ceiling:.0%} of the ceiling "
              f"(target >= {TARGETS['page_share']:.0%}); p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    total, elapsed, respondents = len(rush_recorder.samples), figures["elapsed"], figures["respondents"]
    pause = f"a pause of about {args.think:g} s before each request" if args.think else "no pause between requests"
    print(f"The rush: {args.users} respondents ({pause}), {elapsed:.1f} s, {total} requests, "
          f"{total / elapsed:.1f} requests/s; {sum(r.submitted for r in respondents)} of {args.users} submitted")
    print(latency_line("pages", rush_recorder.times("page"), TARGETS["page_p95_ms"]))
    print(latency_line("saves", rush_recorder.times("save", "autosave"), TARGETS["save_p95_ms"]))
    print(latency_line("  autosave", rush_recorder.times("autosave"), None))
    errors = {**recorder.errors, **{f"rush: {k}": v for k, v in rush_recorder.errors.items()}}
    print(f"Errors: {sum(errors.values())} (target 0)" + "".join(f"\n  {k}: {v}" for k, v in sorted(errors.items())))
    logged = figures["logged"]
    print(f"Server log: {logged['tracebacks']} tracebacks, {logged['database is locked']} "
          f"'database is locked' (target 0)")
    print(f"Lost saves: {figures['lost']} of {figures['checked']} acknowledged answers not in the database "
          f"(target 0)")
    print(f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}. PostgreSQL's target: "
          f"its page figures >= {TARGETS['postgres_share']} of SQLite's (compare the two runs).")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="simultaneous respondents (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="length of the rush (default 60)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="a respondent's pause before each request in the rush, in seconds (default 0: as fast "
                             "as the server answers)")
    parser.add_argument("--loop-seconds", type=float, default=None,
                        help="length of each closed-loop measurement (default a quarter of --seconds, 3-15)")
    args = parser.parse_args(argv)
    # Stopped from outside: still stop the servers and drop the scratch database.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit("stopped"))
    folder = Path(tempfile.mkdtemp(prefix="imvo-load-"))
    try:
        with scratch_database(os.environ.get("DATABASE_URL")) as database:
            dialect = "PostgreSQL" if database.startswith("postgresql") else "SQLite"
            print(f"Database: {dialect}; gunicorn {args.workers} workers; {args.users} respondents for "
                  f"{args.seconds:g} s; {os.cpu_count()} CPUs; load average at the start "
                  f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            figures = measure(args, database, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(args, figures)


if __name__ == "__main__":
    main()
