"""`python -m bench`: dataset -> in-process chart timing -> gunicorn on 127.0.0.1 -> scenarios -> one table.

Everything lives in a temporary DATA_DIR (SQLite database, cache, matplotlib config) that is removed
afterwards; the server binds a free loopback port and nothing else is contacted.

Each scenario's ratio is to the baseline measured beside it, not to the baseline's own row at the start:
on a machine shared with other work the load drifts within a run, within seconds too (the baseline has
moved 6,300 → 3,900 req/s between two scenarios). So a scenario runs in BENCH_ROUNDS slices, each
between two slices of the baseline; each slice's ratio is to the mean of its two neighbours, and the
scenario's ratio is the median of its slices' ratios (a slice the neighbours' load hit is outvoted).

Knobs (environment): BENCH_SECONDS (per scenario, default 12), BENCH_ROUNDS (its slices, default 4),
BENCH_BASELINE_SECONDS (each baseline slice, default 2), BENCH_CONNECTIONS (default 4), BENCH_WORKERS
(gunicorn sync workers, default 2), BENCH_ONLY (comma-separated words: only the scenarios whose name
holds one, beside the baseline), BENCH_KEEP=1 keeps the temporary directory.
"""

import functools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    try:
        return float(value) if value else default
    except ValueError:
        raise SystemExit(f"{name} must be a number, got {value!r}") from None


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def setup_django(data_dir: str) -> None:
    os.environ["DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.pop("DATABASE_URL", None)  # always the temporary SQLite file
    os.environ.setdefault("MPLCONFIGDIR", str(Path(data_dir) / "mpl"))
    from tracker.datadir import prepare

    prepare()  # the data folder, database file and secret key (settings only read them)
    import django

    django.setup()


def time_chart_renders(dataset, *, weeks: int = 40) -> dict[str, float]:
    """Median in-process times of uncached week charts over real weeks of the dataset, in ms."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from tracker import charts, trends

    user = get_user_model().objects.get(username=dataset.username)
    first = trends.week_start_for(dataset.last_day, week_starts_on="mon")
    starts = [first - dt.timedelta(days=7 * i) for i in range(weeks)]
    charts.render_week(trends.week_trends(user=user, start=starts[0]), theme="light", fmt="png")  # import
    timings: dict[str, list[float]] = {"png render": [], "svg render": [], "png trends + render": []}
    for i, start in enumerate(starts):
        theme = "dark" if i % 2 else "light"
        t0 = time.perf_counter()
        week = trends.week_trends(user=user, start=start)
        t1 = time.perf_counter()
        charts.render_week(week, theme=theme, fmt="png")
        t2 = time.perf_counter()
        charts.render_week(week, theme=theme, fmt="svg")
        t3 = time.perf_counter()
        timings["png render"].append((t2 - t1) * 1000)
        timings["png trends + render"].append((t2 - t0) * 1000)
        timings["svg render"].append((t3 - t2) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "tracker.wsgi",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--log-level", "warning",
        "--error-logfile", str(log),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), start_new_session=True)  # noqa: S603


def wait_healthy(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: the master and its workers only
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def token_for(port: int, username: str, password: str) -> str:
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    body = json.dumps({"username": username, "password": password})
    connection.request("POST", "/api/auth/token", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    data = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"token request answered {response.status}: {data}")
    return data["token"]


def beside_baseline(measure_baseline, measure_scenario, *, slices: int):
    """The scenario in `slices` slices, each between two slices of the baseline (B S B S … S B), as one
    Result: requests and seconds summed, the ratio the median of the slices' ratios to the mean of
    their two neighbours, p50 and p99 the median of the slices'."""
    from bench.context import Result

    bases, parts = [measure_baseline()], []
    for _ in range(slices):
        parts.append(measure_scenario())
        bases.append(measure_baseline())
    ratios = [
        part.rps / ((before.rps + after.rps) / 2) if before.rps + after.rps else 0.0
        for part, before, after in zip(parts, bases, bases[1:], strict=False)
    ]
    return Result(
        requests=sum(part.requests for part in parts),
        seconds=sum(part.seconds for part in parts),
        p50_ms=statistics.median(part.p50_ms for part in parts),
        p99_ms=statistics.median(part.p99_ms for part in parts),
        errors=sum(part.errors for part in parts),
        note="; ".join(part.note for part in parts if part.note),
        baseline_rps=statistics.mean(base.rps for base in bases),
        ratio=statistics.median(ratios),
    )


def print_table(rows: list[tuple], renders: dict[str, float]) -> None:
    first = rows[0][1].rps if rows and rows[0][1].rps else 0.0
    header = (
        f"{'scenario':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'base/s':>8} {'× base':>7} "
        f"{'target':>7} {'errors':>6}"
    )
    print("\n" + header)
    print("-" * len(header))
    for scenario, result in rows:
        baseline = result.baseline_rps or first
        ratio = result.ratio or (result.rps / baseline if baseline else 0.0)
        target = f"≥{scenario.target:.2f}" if scenario.target else ""
        flag = "" if not scenario.target else ("  ok" if ratio >= scenario.target else "  BELOW")
        print(
            f"{scenario.name:<36} {result.rps:>8.1f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f} "
            f"{baseline:>8.1f} {ratio:>7.2f} {target:>7} {result.errors:>6}{flag}"
            + (f"   ({result.note})" if result.note else "")
        )
    print(
        "(× base: the median of each slice's ratio to the baseline measured just before and after it;"
        " base/s: that baseline's mean; p50, p99: the median over the slices)"
    )
    print("\nin-process, uncached week chart (median over 40 weeks of the dataset; target ≤ 80 ms):")
    for name, ms in renders.items():
        print(f"  {name:<22} {ms:6.1f} ms")


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: `make bench` installs it (apt-get install wrk).", file=sys.stderr)
        return 2
    seconds = _env_number("BENCH_SECONDS", 12)
    connections = int(_env_number("BENCH_CONNECTIONS", 4))
    workers = int(_env_number("BENCH_WORKERS", 2))
    work_dir = tempfile.mkdtemp(prefix="attune-bench-")
    server = None
    started = time.monotonic()
    try:
        setup_django(work_dir)
        from django.core.management import call_command
        from django.db import connections as db_connections

        from bench import dataset as dataset_module
        from bench import wrk
        from bench.context import Context
        from bench.scenarios import SCENARIOS

        print(f"bench: data in {work_dir}", flush=True)
        call_command("migrate", verbosity=0)
        dataset = dataset_module.generate()
        print(f"bench: {dataset.checkins} check-ins for '{dataset.username}' "
              f"({dataset.first_day} to {dataset.last_day}) plus other users", flush=True)  # fmt: skip
        renders = time_chart_renders(dataset)
        db_connections.close_all()

        port = free_port()
        server = start_server(port, workers, Path(work_dir) / "gunicorn.log")
        wait_healthy(port, server)
        import datetime as dt

        from tracker.trends import week_start_for

        last_start = week_start_for(dataset.last_day, week_starts_on="mon")
        weeks = [(last_start - dt.timedelta(days=7 * i)).isoformat() for i in range(1, 5 * 52)]
        ctx = Context(
            host=HOST,
            port=port,
            token=token_for(port, dataset.username, dataset.password),
            dataset=dataset,
            seconds=seconds,
            connections=connections,
            threads=min(2, connections),
            work_dir=work_dir,
            week_starts=weeks,
        )
        ctx.warm_charts()
        baseline_seconds = _env_number("BENCH_BASELINE_SECONDS", 2)
        rounds = max(1, int(_env_number("BENCH_ROUNDS", 4)))
        baseline, *others = SCENARIOS
        only = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]
        if only:
            others = [scenario for scenario in others if any(word in scenario.name for word in only)]
        print(f"bench: {baseline.name} ...", flush=True)
        baseline.prepare(ctx)
        rows = [(baseline, baseline.run(ctx, seconds))]
        for scenario in others:
            print(f"bench: {scenario.name} ...", flush=True)
            scenario.prepare(ctx)
            slices = rounds if scenario.sliced else 1
            result = beside_baseline(
                functools.partial(
                    wrk.run, ctx, path=baseline.path, headers={}, lua="", seconds=baseline_seconds
                ),
                functools.partial(scenario.run, ctx, seconds / slices),
                slices=slices,
            )
            rows.append((scenario, result))
        print_table(rows, renders)
        print(
            f"\nbench: {workers} gunicorn sync workers, wrk {ctx.threads} threads × {connections} "
            f"connections, {seconds:.0f} s per scenario; total {time.monotonic() - started:.0f} s"
        )
        return 0
    finally:
        if server is not None:
            stop_server(server)
        if os.environ.get("BENCH_KEEP"):
            print(f"bench: kept {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
