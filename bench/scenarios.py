"""The scenarios of `make bench`, run in this order; the first one is the baseline the others compare to.

To add one, append a Scenario to SCENARIOS. An HTTP scenario against the app is a WrkScenario (a path,
optionally a Lua `request()` for bodies or varying URLs). Anything else (a dispatcher loop against a
fake push service, say) subclasses Scenario and implements run(ctx) -> Result.
"""

import string
from dataclasses import dataclass, field

from bench import wrk
from bench.context import Context, Result


@dataclass
class Scenario:
    name: str
    target: float | None = None  # the minimum throughput as a fraction of the baseline
    # Measured in slices between slices of the baseline (bench.runner), or in one piece: a scenario whose
    # requests must differ across the whole measurement (each chart drawn once) cannot restart.
    sliced = True

    def prepare(self, ctx: Context) -> None:
        """Once before the measurement: check the answer, warm up."""

    def run(self, ctx: Context, seconds: float) -> Result:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class WrkScenario(Scenario):
    """GET/POST one path with the bench user's token; `lua` may define request() to vary each request."""

    path: str = "/"
    method: str = "GET"
    expect: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    lua: str = ""  # Lua source; $-placeholders are filled from the context (see Context.values)
    check_body: str = ""  # body of the one request that checks the status before the run
    authenticated: bool = True
    user: str = ""  # whose token; default the main user (5 years of data)
    session: bool = False  # the session cookie (as the installed app signs in) instead of a token
    warmup_seconds: float = 2.0

    def _request(self, ctx: Context) -> tuple[str, dict[str, str], str]:
        path = string.Template(self.path).substitute(ctx.values())
        headers = dict(self.headers)
        if self.authenticated and self.session:
            headers.update(ctx.session_headers_of(self.user or ctx.dataset.username))
        elif self.authenticated:
            headers["Authorization"] = f"Token {ctx.token_of(self.user or ctx.dataset.username)}"
        return path, headers, string.Template(self.lua).substitute(ctx.values())

    def prepare(self, ctx: Context) -> None:
        path, headers, lua = self._request(ctx)
        wrk.check(
            ctx, method=self.method, path=path, headers=headers, body=self.check_body, expect=self.expect
        )
        if self.warmup_seconds:
            wrk.run(ctx, path=path, headers=headers, lua=lua, seconds=self.warmup_seconds, method=self.method)

    def run(self, ctx: Context, seconds: float) -> Result:
        path, headers, lua = self._request(ctx)
        return wrk.run(ctx, path=path, headers=headers, lua=lua, seconds=seconds, method=self.method)


# The words the check-in POSTs pick from (here and in bench.instructions).
CHECKIN_EMOTIONS = ("anxious", "calm", "lonely", "hopeful", "tired", "content", "sad", "joyful")
CHECKIN_NEEDS = ("reassurance", "rest", "connection", "to-be-heard", "safety")


def _lua_list(words: tuple[str, ...]) -> str:
    return "{" + ", ".join(f'"{word}"' for word in words) + "}"


# A fresh client UUID per POST, as the PWA's outbox sends them.
CHECKIN_POST_LUA = (
    f"""
local emotions = {_lua_list(CHECKIN_EMOTIONS)}
local needs = {_lua_list(CHECKIN_NEEDS)}
"""
    + """
local function uuid4()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    return string.format("%x", c == "x" and math.random(0, 15) or math.random(8, 11))
  end))
end
function init(args)
  math.randomseed(os.time() * 1000 + (tonumber(thread_id) or 0))
end
function request()
  local body = string.format(
    '{"id": "%s", "emotion": "%s", "intensity": %d, "need": "%s", "body_area": "chest"}',
    uuid4(), emotions[math.random(#emotions)], math.random(0, 10), needs[math.random(#needs)])
  return wrk.format("POST", nil, nil, body)
end
"""
)

# Every request a week (and theme) not drawn before in this run, so each one renders.
CHART_UNCACHED_LUA = """
local weeks = {$week_starts}
local n = 0
function init(args)
  n = tonumber(thread_id) or 0
end
function request()
  local week = weeks[math.floor(n / 2) % #weeks + 1]
  local theme = (n % 2 == 0) and "light" or "dark"
  n = n + $threads
  return wrk.format("GET", "/api/charts/week.png?start=" .. week .. "&theme=" .. theme)
end
"""

# The check-in POST scenarios, by token and by session cookie. Another user writes, so the thousands of new
# rows do not inflate the main user's current week.
CHECKIN_POST = {
    "user": "writer",
    "path": "/api/checkins/",
    "method": "POST",
    "expect": 201,
    "headers": {"Content-Type": "application/json"},
    "lua": CHECKIN_POST_LUA,
    "check_body": '{"emotion": "calm", "intensity": 3}',
    "target": 0.30,
}


class ChartUncached(WrkScenario):
    sliced = False

    def prepare(self, ctx: Context) -> None:
        self.warmup_seconds = 0  # a warm-up would spend weeks; the workers were warmed by Context.warm_charts
        super().prepare(ctx)

    def run(self, ctx: Context, seconds: float) -> Result:
        result = super().run(ctx, seconds)
        unique = 2 * len(ctx.week_starts)
        if result.requests > unique:
            result.note = f"{result.requests - unique} of {result.requests} requests were cache hits"
        return result


class Chart304(WrkScenario):
    def prepare(self, ctx: Context) -> None:
        self.headers = {"If-None-Match": ctx.etag_for(self.path)}  # the same for token and session
        super().prepare(ctx)


SCENARIOS: list[Scenario] = [
    WrkScenario("baseline (bare JSON view)", path="/bench/baseline", authenticated=False),
    # Not in the issue: the cheapest token-authenticated DRF endpoint (token + profile query), the floor
    # under every API figure below.
    WrkScenario("GET /api/me (auth floor)", path="/api/me"),
    WrkScenario("check-in POST", **CHECKIN_POST),
    WrkScenario("check-in POST (session)", session=True, **CHECKIN_POST),
    WrkScenario("GET week trends", path="/api/trends/week", target=0.30),
    WrkScenario("GET week trends (session)", path="/api/trends/week", session=True, target=0.30),
    WrkScenario(
        "GET range trends (1 year by week)",
        path="/api/trends/range?from=$year_ago&to=$today&bucket=week",
        target=0.20,
    ),
    ChartUncached(
        "chart uncached (week PNG)", path="/api/charts/week.png?start=$check_week", lua=CHART_UNCACHED_LUA
    ),
    Chart304(
        "chart 304 (If-None-Match)", path="/api/charts/week.png?start=$last_week", expect=304, target=0.50
    ),
    Chart304(
        "chart 304 (session)",
        path="/api/charts/week.png?start=$last_week",
        expect=304,
        session=True,
        target=0.50,
    ),
]

__all__ = ["SCENARIOS", "Context", "Result", "Scenario", "WrkScenario"]
