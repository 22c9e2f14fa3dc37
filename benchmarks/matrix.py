"""The coverage matrix at full size: generate a synthetic round and print timings.

    .venv/bin/python benchmarks/matrix.py                 # 5,000 organisations, 1,000,000 links, SQLite
    DATABASE_URL=postgresql://... .venv/bin/python benchmarks/matrix.py
    .venv/bin/python benchmarks/matrix.py --scale 0.01    # small, as the test suite runs it

It builds a fresh database (a SQLite file in a temporary folder, or a schema of its own
on PostgreSQL that is dropped afterwards), writes the round with bulk inserts, and
prints: the time to build the full matrix (with the relevance of the risk analysis
applied: the seed's example risk entries and the round's chains), the same without
the risk analysis, the matrix under each activity filter (activity type, country,
product group; with and without the risk analysis, each with its ratio to the
unfiltered matrix), the time of a bare pandas groupby over the same link rows already
in memory (the floor) and their ratio, the time and peak memory of the XLSX and CSV
exports of all activities (each in a fresh process, so the peak is the export's own),
and the time to render the matrix page.

At full size the long activity table (2,000,000 rows) exceeds Excel's row limit, so the
XLSX export leaves it out, which makes it cheaper than for a smaller round. The script
therefore also builds the largest round whose long table still fits (a second fresh
database) and measures its XLSX export: the worst case.

After loading, the script analyses its own tables (PostgreSQL: VACUUM ANALYZE of the
tables in its schema; SQLite: ANALYZE), so that the plans do not depend on the
statistics, or the lack of them, of a shared database. Targets are printed beside the
figures; the script does not fail on them (it is a measurement, not a test).
"""

from __future__ import annotations

import argparse
import atexit
import os
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FULL = {"organisations": 5_000, "activities": 200_000, "links": 1_000_000}
#: Each synthetic activity is in this many countries and in one product group, so the
#: long table has (links per activity) x 2 rows per activity.
COUNTRIES_PER_ACTIVITY = 2
TARGETS = {"matrix": 1.0, "xlsx": 20.0, "xlsx_memory_mb": 600}
CHUNK = 20_000
SLUG = "benchmark-2011"


# --- the database ---------------------------------------------------------------------

@contextmanager
def scratch_database(url: str | None):
    """A fresh database URL: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    from sqlalchemy import create_engine, text

    from config import normalise_database_url

    if not url or url.startswith("sqlite"):
        folder = Path(tempfile.mkdtemp(prefix="imvo-bench-"))
        try:
            yield f"sqlite:///{folder / 'bench.db'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    url = normalise_database_url(url)
    schema = f"imvo_bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_app(url: str):
    from imvo_survey import create_app

    instance = tempfile.mkdtemp(prefix="imvo-bench-instance-")
    atexit.register(shutil.rmtree, instance, ignore_errors=True)
    return create_app("development", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False,
                      RATELIMIT_ENABLED=False, INSTANCE_PATH=instance)


# --- the synthetic round ------------------------------------------------------------------

def _ids(model) -> list[int]:
    from sqlalchemy import select

    from imvo_survey.extensions import db

    return list(db.session.scalars(select(model.id).order_by(model.id)))


def _insert(table, rows: list[dict]) -> None:
    from imvo_survey.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(table.insert(), rows[start:start + CHUNK])


def generate(sizes: dict, seed: int = 2011) -> None:
    """The round: organisations (a quarter associations), each targeted and responded,
    activities spread over them, each on several aspects, countries and product groups."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from imvo_survey.auth.services import set_password
    from imvo_survey.extensions import db
    from imvo_survey.models import (
        Activity,
        ActivityType,
        Aspect,
        BenchmarkScore,
        Country,
        Invitation,
        Organisation,
        ProductGroup,
        Response,
        Sector,
        User,
        refresh_counts,
        utcnow,
    )
    from imvo_survey.models.response import activity_aspect, activity_country, activity_product_group
    from imvo_survey.questionnaires.services import find_version
    from imvo_survey.rounds.creating import create_round
    from imvo_survey.seed import seed_questionnaires, seed_reference
    from imvo_survey.seed.risk_examples import seed_risk_examples

    rng = random.Random(seed)
    upgrade(directory=str(ROOT / "migrations"))
    seed_reference()
    seed_questionnaires()
    seed_risk_examples()  # so the matrix is measured with the relevance applied, as it runs
    db.session.flush()
    association_version = find_version("imvo-associations", published_only=True)
    company_version = find_version("imvo-companies", published_only=True)
    now = utcnow()
    round = create_round("Benchmark 2011", SLUG, 2011, opens_at=now - timedelta(days=30),
                         closes_at=now - timedelta(days=1), association=association_version,
                         company=company_version)
    round.status = "closed"
    user = User(email="bench@example.org", name="Benchmark", role="analyst", is_active=True)
    set_password(user, "benchmark-password-1")
    db.session.add(user)
    db.session.flush()

    sectors, aspects = _ids(Sector), _ids(Aspect)
    types, countries, products = _ids(ActivityType), _ids(Country), _ids(ProductGroup)
    db.session.add_all(BenchmarkScore(year=2010, level="sector", sector_id=sector, total_score=rng.uniform(20, 80),
                                      chain_score=rng.uniform(1, 9), company_count=rng.randint(3, 40),
                                      listed_count=rng.randint(0, 3)) for sector in sectors)

    count = sizes["organisations"]
    organisations = []
    for number in range(count):
        association = number % 4 == 0
        organisations.append({
            "name": f"Organisatie {number:05d}", "name_key": f"organisatie {number:05d}",
            "kind": "branch_association" if association else "company",
            "size": None if association else rng.choice(("mkb", "large")),
            "sector_id": rng.choice(sectors), "member_count": rng.randint(10, 2_000) if association else None,
            "is_listed": False, "is_active": True, "is_demo": True})
    _insert(Organisation.__table__, organisations)
    org_rows = db.session.execute(select(Organisation.id, Organisation.kind, Organisation.sector_id,
                                         Organisation.member_count).order_by(Organisation.id)).all()
    _insert(Invitation.__table__, [{"round_id": round.id, "organisation_id": org.id,
                                    "audience": "company" if org.kind == "company" else "association",
                                    "status": "submitted", "reminder_count": 0} for org in org_rows])
    invitation_of = dict(db.session.execute(select(Invitation.organisation_id, Invitation.id)
                                            .where(Invitation.round_id == round.id)).all())
    _insert(Response.__table__, [{
        "invitation_id": invitation_of[org.id], "organisation_id": org.id, "round_id": round.id,
        "version_id": company_version.id if org.kind == "company" else association_version.id,
        "status": "submitted", "lock_version": 1, "started_at": now, "submitted_at": now,
        "snapshot_kind": org.kind, "snapshot_sector_id": org.sector_id, "snapshot_member_count": org.member_count,
    } for org in org_rows])
    responses = db.session.execute(select(Response.id, Response.snapshot_kind).where(Response.round_id == round.id)
                                   .order_by(Response.id)).all()

    activities = []
    for number in range(sizes["activities"]):
        response = responses[number % len(responses)]
        association = response.snapshot_kind != "company"
        activities.append({
            "response_id": response.id, "position": number // len(responses) + 1,
            "title": f"Activiteit {number}", "description": "Synthetisch, voor de benchmark.",
            "activity_type_id": rng.choice(types), "start_year": rng.randint(2000, 2011),
            "member_share": rng.choice((None, 10.0, 25.0, 50.0, 80.0)) if association else None,
            "publish_consent": rng.random() < 0.7})
    _insert(Activity.__table__, activities)
    activity_ids = list(db.session.scalars(select(Activity.id).order_by(Activity.id)))
    per_activity = max(1, sizes["links"] // max(1, len(activity_ids)))
    links, country_links, product_links = [], [], []
    for activity_id in activity_ids:
        links.extend({"activity_id": activity_id, "aspect_id": aspect}
                     for aspect in rng.sample(aspects, min(per_activity, len(aspects))))
        country_links.extend({"activity_id": activity_id, "country_id": country}
                             for country in rng.sample(countries, COUNTRIES_PER_ACTIVITY))
        product_links.append({"activity_id": activity_id, "product_group_id": rng.choice(products)})
    _insert(activity_aspect, links)
    _insert(activity_country, country_links)
    _insert(activity_product_group, product_links)
    db.session.commit()
    # Statistics before counting too: with none, or with autovacuum's for some tables only,
    # PostgreSQL once took over ten minutes for the count that otherwise takes seconds.
    analyse_own_tables(db.engine)
    # Bulk inserts pass the model layer by, so count the activities per response and aspect
    # as the app does on every save (the migration does the same for existing data).
    start = time.perf_counter()
    refresh_counts(db.session.connection())
    print(f"Counting activities per response and aspect (after a bulk load only): {time.perf_counter() - start:.1f} s")
    db.session.commit()
    start = time.perf_counter()
    analyse_own_tables(db.engine)
    print(f"Analysing the benchmark's own tables: {time.perf_counter() - start:.1f} s")
    total = db.session.scalar(select(func.count()).select_from(activity_aspect))
    print(f"Generated: {len(org_rows):,} organisations and submitted responses, {len(activity_ids):,} activities, "
          f"{total:,} activity-aspect links.")


def analyse_own_tables(engine) -> None:
    """Fresh planner statistics for this database's tables only. A bare ANALYZE on
    PostgreSQL would go through every schema of a shared database (slow, and it changes
    others' plans); VACUUM also sets the visibility map after the bulk load, as
    autovacuum would have in a database in use, so that index-only scans are possible."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name != "postgresql":
            connection.exec_driver_sql("ANALYZE")
            return
        tables = connection.exec_driver_sql(
            "SELECT quote_ident(table_name) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").scalars().all()
        connection.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(tables)}")


def long_rows(sizes: dict) -> int:
    """The rows of the long activity table of a round of `sizes` (see generate)."""
    per_activity = max(1, sizes["links"] // sizes["activities"])  # fewer than the seed's 16 aspects
    return sizes["activities"] * per_activity * COUNTRIES_PER_ACTIVITY


def worst_case_sizes(sizes: dict) -> dict | None:
    """The largest round like `sizes` whose long table still fits in an XLSX sheet (below
    its header row), or None when the round of `sizes` itself fits."""
    from imvo_survey.spreadsheets.writing import EXCEL_MAX_ROWS

    if long_rows(sizes) + 1 <= EXCEL_MAX_ROWS:
        return None
    activities = (EXCEL_MAX_ROWS - 1) // (long_rows(sizes) // sizes["activities"])
    factor = activities / sizes["activities"]
    return {"organisations": max(20, int(sizes["organisations"] * factor)), "activities": activities,
            "links": sizes["links"] // sizes["activities"] * activities}


# --- the measurements ---------------------------------------------------------------------

def timed(action, repeat: int = 3) -> float:
    """The median wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


#: The activity filters of the filtered matrices: counted from the links in SQL, not from
#: the kept per-response counts.
ACTIVITY_FILTERS = ({"activity_type": "audit_monitoring"}, {"country": "CN"}, {"product_group": "cocoa"})


def measure_matrix() -> dict[str, float]:
    from imvo_survey.analysis import Filters, build_matrix, relevance_cache
    from imvo_survey.analysis.queries import round_info
    from imvo_survey.extensions import db

    conn = db.session.connection()
    filters = Filters(round=SLUG)
    matrix = build_matrix(conn, filters)  # warm the caches, as a running server has them
    assert matrix.relevance is not None, "the risk analysis must be applied"

    def afresh(action):
        """The first view after a change: the relevance kept by the process is dropped."""
        def run():
            relevance_cache.forget()
            action()
        return run

    figures = {"full": timed(afresh(lambda: build_matrix(conn, filters))),
               "kept": timed(lambda: build_matrix(conn, filters)),
               "plain": timed(lambda: build_matrix(conn, filters, relevance=lambda row, column: 1.0)),
               "lagging": int(matrix.cells["lagging"].sum()), "cells": int(matrix.cells["share"].notna().sum())}
    figures["filtered"] = {}
    for activity_filter in ACTIVITY_FILTERS:
        filtered = Filters(round=SLUG, **activity_filter)
        build_matrix(conn, filtered)
        figures["filtered"][describe(activity_filter)] = (
            timed(afresh(lambda filtered=filtered: build_matrix(conn, filtered))),
            timed(lambda filtered=filtered: build_matrix(conn, filtered)),
            timed(lambda filtered=filtered: build_matrix(conn, filtered, relevance=lambda row, column: 1.0)))
    import pandas as pd

    round = round_info(conn, SLUG)
    links = pd.read_sql_query(
        "SELECT r.id AS response_id, r.snapshot_sector_id AS sector, aa.aspect_id AS aspect "
        "FROM activity_aspect aa JOIN activity a ON a.id = aa.activity_id "
        f"JOIN response r ON r.id = a.response_id WHERE r.round_id = {int(round.id)}", conn)

    def floor():
        links.groupby(["sector", "aspect"]).agg(organisations=("response_id", "nunique"),
                                                  links=("response_id", "size"))

    figures["floor"] = timed(floor)
    return figures


def describe(activity_filter: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in activity_filter.items())


def measure_page(app) -> float:
    client = app.test_client()
    with app.app_context():
        page = client.post("/auth/login", data={"email": "bench@example.org", "password": "benchmark-password-1"})
        assert page.status_code in (200, 302), page.status_code

    def render():
        with app.app_context():
            response = client.get(f"/matrix/{SLUG}")
            assert response.status_code == 200, response.status_code

    render()
    return timed(render)


def measure_export(url: str, fmt: str) -> tuple[float, float, int, int]:
    """Time, peak memory (MB), size and long-table rows written of exporting every
    activity, in a fresh process so that the peak is the export's own (the process's
    imports included)."""
    folder = Path(tempfile.mkdtemp(prefix="imvo-bench-export-"))
    try:
        command = [sys.executable, __file__, "--export-only", fmt, "--output", str(folder / f"export.{fmt}")]
        result = subprocess.run(command, check=True, capture_output=True, text=True,
                                env={**os.environ, "IMVO_BENCH_DATABASE": url})
        figures = dict(line.split("=", 1) for line in result.stdout.split() if "=" in line)
        return (float(figures["seconds"]), float(figures["peak_mb"]), int(figures["bytes"]),
                int(figures["long_rows"]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def export_only(fmt: str, output: Path) -> None:
    """Run in the child process of measure_export: print the figures as key=value."""
    from imvo_survey.analysis import Filters
    from imvo_survey.analysis.export_formats import write_export
    from imvo_survey.extensions import db

    app = make_app(os.environ["IMVO_BENCH_DATABASE"])
    with app.app_context():
        start = time.perf_counter()
        written = write_export(db.session.connection(), Filters(round=SLUG), fmt, output, language="nl")
        seconds = time.perf_counter() - start
    print(f"seconds={seconds:.2f} peak_mb={peak_memory_mb():.0f} bytes={output.stat().st_size} "
          f"long_rows={written.get('activities_long', 0)}")


def peak_memory_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh with the process image;
    getrusage's ru_maxrss would carry over the parent's peak across fork and exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1)")
    parser.add_argument("--export-only", choices=("xlsx", "csv"), help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export_only:
        export_only(args.export_only, args.output)
        return
    sizes = {key: max(20, int(value * args.scale)) for key, value in FULL.items()}
    url = os.environ.get("DATABASE_URL")
    with scratch_database(url) as database:
        app = make_app(database)
        dialect = "PostgreSQL" if database.startswith("postgresql") else "SQLite"
        print(f"Database: {dialect}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
        with app.app_context():
            start = time.perf_counter()
            generate(sizes)
            print(f"Generating took {time.perf_counter() - start:.1f} s.")
            figures = measure_matrix()
        full, kept, floor = figures["full"], figures["kept"], figures["floor"]
        print(f"Full matrix (all sectors x all aspects, member coverage, benchmark, relevance applied), "
              f"the relevance computed afresh (the first view after a change): {full:.3f} s; "
              f"{figures['lagging']:,} of {figures['cells']:,} cells lagging")
        print(f"The same with the relevance kept by the process (every later view): {kept:.3f} s "
              f"(target {TARGETS['matrix']:.1f} s)")
        print(f"The same without the risk analysis (relevance 1): {figures['plain']:.3f} s")
        for name, (filtered, filtered_kept, plain) in figures["filtered"].items():
            print(f"Filtered matrix ({name}, counted from the links): afresh {filtered:.3f} s, "
                  f"{filtered / full:.2f}x the unfiltered matrix; kept {filtered_kept:.3f} s, "
                  f"{filtered_kept / kept:.2f}x (target 1.5x); without the risk analysis "
                  f"{plain:.3f} s, {plain / figures['plain']:.2f}x")
        print(f"Bare pandas groupby over the same links in memory (the floor): {floor:.3f} s; "
              f"ratio {kept / floor:.1f}x to the matrix with the relevance kept")
        for fmt in ("xlsx", "csv"):
            report_export(database, fmt, f"{fmt.upper()} export of all activities")
        print(f"Matrix page render (the relevance kept): {measure_page(app):.3f} s")
        dispose(app)
    worst = worst_case_sizes(sizes)
    if worst is None:
        print("The long table fits in the XLSX export at this size: no separate worst case.")
        return
    with scratch_database(url) as database:
        app = make_app(database)
        with app.app_context():
            start = time.perf_counter()
            generate(worst)
            print(f"Generating the worst case for XLSX took {time.perf_counter() - start:.1f} s.")
        report_export(database, "xlsx", f"XLSX export, worst case ({worst['activities']:,} activities: the largest "
                                        f"round whose {long_rows(worst):,}-row long table fits)")
        dispose(app)


def report_export(database: str, fmt: str, title: str) -> None:
    seconds, peak, size, written = measure_export(database, fmt)
    target = f" (target {TARGETS['xlsx']:.0f} s, {TARGETS['xlsx_memory_mb']} MB)" if fmt == "xlsx" else ""
    long_table = f"long table in full, {written:,} rows" if written else "long table left out (too long for Excel)"
    print(f"{title}: {seconds:.1f} s, peak memory {peak:.0f} MB, {size / 1e6:.1f} MB file; {long_table}{target}")


def dispose(app) -> None:
    with app.app_context():
        from imvo_survey.extensions import db

        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
