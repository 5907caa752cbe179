"""`make lighthouse`: a Lighthouse mobile run of the app's first screen against gunicorn on loopback.

Uses npm's lighthouse@12.2.3 (installed into ./node_modules by the Makefile; 13 needs Node 22) with
Debian's chromium, and a temporary DATA_DIR with static files collected and compressed as `make run`
serves them. Prints the performance and accessibility scores; reports go to ./lighthouse/.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.runner import HOST, ROOT, free_port

CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
    " --disable-component-update --disable-sync"
)


def main() -> int:
    out = ROOT / "lighthouse"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "DATA_DIR": data_dir, "MPLCONFIGDIR": str(Path(data_dir) / "mpl")}
        env.pop("DATABASE_URL", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--bind", f"{HOST}:{port}", "--workers", "2"],
            env=env,
            cwd=ROOT,
        )
        try:
            url = f"http://{HOST}:{port}/"
            for _ in range(100):
                try:
                    urllib.request.urlopen(url + "healthz", timeout=1).close()  # noqa: S310 (loopback)
                    break
                except OSError:
                    time.sleep(0.1)
            report = out / "signin.json"
            subprocess.run(  # noqa: S603
                [str(ROOT / "node_modules" / ".bin" / "lighthouse"), url, "--quiet", "--output=json",
                 "--output=html", f"--output-path={out / 'signin'}", "--form-factor=mobile",
                 "--only-categories=performance,accessibility,best-practices",
                 f"--chrome-flags={CHROME_FLAGS}"],
                env={**env, "CHROME_PATH": "/usr/bin/chromium"},
                check=True,
            )  # fmt: skip
            data = json.loads((out / "signin.report.json").read_text())
            report = {name: round(category["score"] * 100) for name, category in data["categories"].items()}
            print("Lighthouse (mobile):", ", ".join(f"{k} {v}" for k, v in report.items()))
            return 0
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
