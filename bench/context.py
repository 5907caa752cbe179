"""What every scenario can use: the server's address, the bench user's token, the dataset, timings."""

import datetime as dt
import http.client
import json
import threading
from dataclasses import dataclass, field

from bench.dataset import Dataset


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
    return found


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    note: str = ""
    baseline_rps: float = 0.0  # the baseline measured beside this scenario (bench.runner)
    ratio: float = 0.0  # to that baseline: the median of its slices' ratios (bench.runner)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Context:
    host: str
    port: int
    token: str  # the main user's (dataset.username)
    dataset: Dataset
    seconds: float
    connections: int
    threads: int
    work_dir: str
    week_starts: list[str] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)

    def token_of(self, username: str) -> str:
        """A token for any user of the dataset (all share the bench password)."""
        if username == self.dataset.username:
            return self.token
        if username not in self.tokens:
            body = json.dumps({"username": username, "password": self.dataset.password})
            response = self.request(
                "POST", "/api/auth/token", headers={"Content-Type": "application/json"}, body=body
            )
            self.tokens[username] = json.loads(response.data)["token"]
        return self.tokens[username]

    def session_headers_of(self, username: str) -> dict[str, str]:
        """Signed in as the app's browsers are: the session and CSRF cookies, and the CSRF header that
        SessionAuthentication asks of every unsafe request (one sign-in per user and run)."""
        if username not in self.sessions:
            csrf = self.request("GET", "/api/auth/csrf")
            cookies = _cookies(csrf)
            body = json.dumps({"username": username, "password": self.dataset.password})
            login = self.request(
                "POST",
                "/api/auth/login",
                headers={
                    "Content-Type": "application/json",
                    "X-CSRFToken": cookies["csrftoken"],
                    "Cookie": f"csrftoken={cookies['csrftoken']}",
                },
                body=body,
            )
            assert login.status == 200, (login.status, login.data)
            cookies.update(_cookies(login))  # signing in rotates the CSRF token
            self.sessions[username] = {
                "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
                "X-CSRFToken": cookies["csrftoken"],
            }
        return self.sessions[username]

    def values(self) -> dict[str, str]:
        """$-placeholders for scenario paths and Lua sources."""
        last = self.dataset.last_day
        return {
            "today": last.isoformat(),
            "year_ago": (last - dt.timedelta(days=364)).isoformat(),
            "last_week": (last - dt.timedelta(days=7)).isoformat(),
            # A week before the data: checks a chart scenario without pre-caching one of its weeks.
            "check_week": (self.dataset.first_day - dt.timedelta(days=70)).isoformat(),
            "week_starts": ", ".join(f'"{week}"' for week in self.week_starts),
            "threads": str(self.threads),
        }

    def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, body: str = ""
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.request(method, path, body=body.encode() or None, headers=headers or {})
        response = connection.getresponse()
        response.data = response.read()
        connection.close()
        return response

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}

    def etag_for(self, path: str) -> str:
        path = path.replace("$last_week", self.values()["last_week"])
        response = self.request("GET", path, headers=self.auth())
        assert response.status == 200, (path, response.status)
        return response.getheader("ETag")

    def warm_charts(self) -> None:
        """Each gunicorn worker imports matplotlib and builds its figures once; do it before measuring.

        Concurrent requests land on both sync workers. Weeks long before the data are used, so no week
        of the uncached scenario is drawn (and cached) in advance.
        """
        first = self.dataset.first_day

        def hit(offset: int) -> None:
            for theme in ("light", "dark"):
                week = (first - dt.timedelta(days=7 * (20 + offset))).isoformat()
                self.request("GET", f"/api/charts/week.png?start={week}&theme={theme}", headers=self.auth())

        workers = [threading.Thread(target=hit, args=(i,)) for i in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
