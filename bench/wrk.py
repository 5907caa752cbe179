"""Drive the server with wrk (C, cheap on CPU, so the server gets the cores) and read its figures."""

import os
import re
import subprocess
import tempfile

from bench.context import Context, Result

# Numbers each wrk thread, and prints one parseable line with the run's figures.
PRELUDE = """
local thread_count = 0
function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end
wrk.method = "$method"
"""

DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT %.0f %.0f %.0f %.0f %.0f\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def check(ctx: Context, *, method: str, path: str, headers: dict[str, str], body: str, expect: int) -> None:
    """One request first: a scenario that measures error pages would report nonsense."""
    response = ctx.request(method, path, headers=headers, body=body)
    if response.status != expect:
        raise RuntimeError(f"{method} {path} answered {response.status}, expected {expect}")


def run(
    ctx: Context, *, path: str, headers: dict[str, str], lua: str, seconds: float, method: str = "GET"
) -> Result:
    script = PRELUDE.replace("$method", method) + lua + DONE
    with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=ctx.work_dir, delete=False) as f:
        f.write(script)
    command = [
        "wrk",
        f"--threads={ctx.threads}",
        f"--connections={ctx.connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        f"--script={f.name}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(f"http://{ctx.host}:{ctx.port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout  # noqa: S603
    os.unlink(f.name)
    match = re.search(r"BENCH_RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    requests, duration_us, p50_us, p99_us, errors = (int(x) for x in match.groups())
    return Result(
        requests=requests,
        seconds=duration_us / 1e6,
        p50_ms=p50_us / 1000,
        p99_ms=p99_us / 1000,
        errors=errors,
    )
