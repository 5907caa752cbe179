"""`make bench-instructions`: CPU instructions per request of the hot paths, counted by valgrind's callgrind.

`make bench` measures requests per second, which move with the machine: its baseline went from 6,300 to
3,900 req/s within one run, and a slower machine gave every ratio 20 % less. An instruction count does
not move: the same code, data and requests count the same instructions within ~0.3 % (check-in POSTs
counted 2,838,005 and 2,838,364 per request in two runs, the same with both cores busy; one run in ten
was 2 % off for one scenario). It leaves out what instructions do not show (cache misses, the database's
I/O, gunicorn and the network), so it judges a change to a hot path beside `make bench`, not instead of
it. Requests go straight to Django's WSGI handler in one process.

Each scenario runs in its own `valgrind --tool=callgrind --instr-atstart=no` child on a copy of one
generated dataset: it signs in, warms up uninstrumented, then counts only its N measured requests.
"""

import concurrent.futures
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

from bench.runner import ROOT, setup_django

REQUESTS = 100  # measured per scenario (BENCH_INSTRUCTION_REQUESTS)
WARMUP = 20
WRITER = "writer"  # as in bench.scenarios: another user writes, so the main user's week stays put

# name -> (method, path, query, signed in by, user)
SCENARIOS = {
    "baseline (bare JSON view)": ("GET", "/bench/baseline", "", None, None),
    "GET /api/me (auth floor)": ("GET", "/api/me", "", "token", "main"),
    "check-in POST": ("POST", "/api/checkins/", "", "token", WRITER),
    "check-in POST (session)": ("POST", "/api/checkins/", "", "session", WRITER),
    "GET week trends": ("GET", "/api/trends/week", "", "token", "main"),
    "GET week trends (session)": ("GET", "/api/trends/week", "", "session", "main"),
    "GET range trends (1 year by week)": (
        "GET", "/api/trends/range", "from=$year_ago&to=$today&bucket=week", "token", "main"
    ),
    "chart 304 (If-None-Match)": ("GET", "/api/charts/week.png", "start=$last_week", "token", "main"),
    "chart 304 (session)": ("GET", "/api/charts/week.png", "start=$last_week", "session", "main"),
}  # fmt: skip
BASELINE = next(iter(SCENARIOS))
COLLECTED = re.compile(r"Collected : (\d+)")


def _environ(method: str, path: str, query: str, headers: dict[str, str], body: bytes = b"") -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        **headers,
    }
    if body:
        environ["CONTENT_TYPE"] = "application/json"
    return environ


class Caller:
    """Requests to the WSGI application, as gunicorn makes them (environ in, status and body out)."""

    def __init__(self, application) -> None:
        self.application = application

    def __call__(self, environ: dict) -> tuple[int, dict[str, list[str]], bytes]:
        started = {}

        def start_response(status, headers, *_):
            started["status"], started["headers"] = int(status.split()[0]), headers

        chunks = self.application(environ, start_response)
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        headers: dict[str, list[str]] = {}
        for name, value in started["headers"]:
            headers.setdefault(name.lower(), []).append(value)
        return started["status"], headers, body


def _signed_in(call: Caller, kind: str, username: str, password: str) -> dict[str, str]:
    """The headers of a client signed in by token, or by session cookie with its CSRF header."""
    credentials = json.dumps({"username": username, "password": password}).encode()
    if kind == "token":
        status, _, body = call(_environ("POST", "/api/auth/token", "", {}, credentials))
        assert status == 200, (status, body)
        return {"HTTP_AUTHORIZATION": f"Token {json.loads(body)['token']}"}
    cookies = SimpleCookie()
    _, headers, _ = call(_environ("GET", "/api/auth/csrf", "", {}))
    cookies.load("; ".join(headers.get("set-cookie", [])))
    csrf = cookies["csrftoken"].value
    login_headers = {"HTTP_COOKIE": f"csrftoken={csrf}", "HTTP_X_CSRFTOKEN": csrf}
    status, headers, body = call(_environ("POST", "/api/auth/login", "", login_headers, credentials))
    assert status == 200, (status, body)
    for line in headers.get("set-cookie", []):
        cookies.load(line)
    jar = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    return {"HTTP_COOKIE": jar, "HTTP_X_CSRFTOKEN": cookies["csrftoken"].value}


def _checkin_body(n: int) -> bytes:
    """The shape bench.scenarios' Lua script posts, from the same words."""
    from bench.scenarios import CHECKIN_EMOTIONS, CHECKIN_NEEDS  # after setup_django: it reads the models

    return json.dumps(
        {
            "id": str(uuid.UUID(int=random.Random(n).getrandbits(128), version=4)),  # the same every run
            "emotion": CHECKIN_EMOTIONS[n % len(CHECKIN_EMOTIONS)],
            "intensity": n % 11,
            "need": CHECKIN_NEEDS[n % len(CHECKIN_NEEDS)],
            "body_area": "chest",
        }
    ).encode()


def child(name: str, requests: int, facts: dict) -> None:
    """Under callgrind: sign in, warm up, then count only the measured requests (callgrind_control)."""
    from django.core.handlers.wsgi import WSGIHandler

    method, path, query, signed_in_by, user = SCENARIOS[name]
    for key, value in facts["values"].items():
        query = query.replace(f"${key}", value)
    call = Caller(WSGIHandler())
    username = facts["username"] if user == "main" else user
    headers = _signed_in(call, signed_in_by, username, facts["password"]) if signed_in_by else {}
    if path.startswith("/api/charts/"):  # revalidation: the chart's own ETag
        status, answer_headers, _ = call(_environ(method, path, query, headers))
        assert status == 200, status
        headers["HTTP_IF_NONE_MATCH"] = answer_headers["etag"][0]

    def environ(n: int) -> dict:
        body = _checkin_body(n) if method == "POST" else b""
        return _environ(method, path, query, headers, body)

    for n in range(WARMUP):
        status, _, body = call(environ(n))
        assert status in (200, 201, 304), (name, status, body[:300])
    environs = [environ(WARMUP + n) for n in range(requests)]
    instrument("on")
    for each in environs:
        call(each)
    instrument("off")


def instrument(state: str) -> None:
    """Switch callgrind's counting in this process on or off."""
    command = ["callgrind_control", f"--instr={state}", str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603


def count(name: str, requests: int, data: Path, work: Path, facts_file: Path) -> int:
    """Instructions per request of one scenario, in its own callgrind child on its own copy of the data."""
    slug = re.sub(r"\W+", "-", name).strip("-")
    copy = work / slug
    shutil.copytree(data, copy)
    log, out = work / f"{slug}.log", work / f"{slug}.callgrind"
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no",
        f"--log-file={log}", f"--callgrind-out-file={out}",
        sys.executable, "-m", "bench.instructions",
        "--child", name, str(requests), str(copy), str(facts_file),
    ]  # fmt: skip
    # One hash seed: str hashes decide dict and set layouts, and so some of the instructions.
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    found = COLLECTED.findall(log.read_text()) if log.exists() else []
    if done.returncode != 0 or not found:
        raise RuntimeError(f"{name}: the callgrind child failed\n{done.stderr[-3000:]}")
    return int(found[-1]) // requests


def main() -> int:
    if not shutil.which("valgrind"):
        print("valgrind is not installed: `make bench-instructions` installs it (apt-get install valgrind).")
        return 2
    requests = int(os.environ.get("BENCH_INSTRUCTION_REQUESTS", REQUESTS))
    only = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]
    # The baseline always: the ratios are to it.
    names = [name for name in SCENARIOS if name == BASELINE or not only or any(w in name for w in only)]
    work = Path(tempfile.mkdtemp(prefix="attune-instructions-"))
    try:
        data = work / "data"
        setup_django(str(data))
        from django.core.management import call_command
        from django.db import connections

        from bench import dataset as dataset_module
        from bench.context import Context

        call_command("migrate", verbosity=0)
        dataset = dataset_module.generate()
        connections.close_all()  # the WAL checkpointed into the file the children copy
        # The placeholders make bench's paths use ($today, $last_week, ...); no server is involved.
        values = Context(
            host="", port=0, token="", dataset=dataset, seconds=0, connections=0, threads=1, work_dir=""
        ).values()
        facts = {"username": dataset.username, "password": dataset.password, "values": values}
        facts_file = work / "facts.json"
        facts_file.write_text(json.dumps(facts))
        print(f"bench-instructions: {len(names)} scenarios × {requests} requests ...", flush=True)
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            futures = {name: pool.submit(count, name, requests, data, work, facts_file) for name in names}
            counts = {name: future.result() for name, future in futures.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    baseline = counts[BASELINE]
    print(f"\n{'scenario':38s} {'instructions/request':>21s} {'baseline ÷ it':>14s}")
    print("-" * 75)
    for name, instructions in counts.items():
        print(f"{name:38s} {instructions:21,d} {baseline / instructions:14.3f}")
    print("(baseline ÷ it: below make bench's × base, which adds gunicorn's and the network's cost to both;")
    print(" the counts are the same within ~0.3 % on any load)")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _, _, scenario, n, data_dir, facts_path = sys.argv
        setup_django(data_dir)
        child(scenario, int(n), json.loads(Path(facts_path).read_text()))
    else:
        sys.exit(main())
