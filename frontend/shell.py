"""The app shell's file list and version, taken from the files themselves.

The service worker precaches exactly these files under one cache named by the version, so any change
to any shell file (or to the HTML) is a new version, and old HTML never runs with new scripts. The files
are looked up the way the static finders serve them (STATICFILES_DIRS first, then this app's folder).
"""

import hashlib
import os
import re
from pathlib import Path

from django.conf import settings

APP_STATIC = Path(__file__).resolve().parent / "static"
SHELL_PREFIX = "frontend/"
INDEX_TEMPLATE = Path(__file__).resolve().parent / "templates" / "frontend" / "index.html"
VIEWS = Path(__file__).resolve().parent / "views.py"  # it writes the manifest
# Served from the origin's root, outside /static/.
ROOT_URLS = ["/", "/manifest.webmanifest"]

_cache: tuple[tuple, tuple[str, list[str]]] | None = None


def _static_roots() -> list[Path]:
    dirs = [Path(d[1] if isinstance(d, tuple | list) else d) for d in settings.STATICFILES_DIRS]
    return [*dirs, APP_STATIC]


def shell_files() -> dict[str, Path]:
    """{static path: file} of the shell, the first root holding a path winning (as the finders do)."""
    found: dict[str, Path] = {}
    for root in _static_roots():
        base = root / SHELL_PREFIX
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found.setdefault(str(path.relative_to(root)), path)
    return dict(sorted(found.items()))


def shell_version() -> tuple[str, list[str]]:
    """(version, URLs to precache). Recomputed only when a file's size or mtime changes."""
    global _cache
    files = shell_files()
    inputs = [*files.values(), INDEX_TEMPLATE, VIEWS]
    stamp = tuple((str(p), os.stat(p).st_mtime_ns, os.stat(p).st_size) for p in inputs)
    if _cache is not None and _cache[0] == stamp:
        return _cache[1]
    digest = hashlib.sha256()
    for name, path in [*files.items(), ("index.html", INDEX_TEMPLATE), ("views.py", VIEWS)]:
        digest.update(name.encode())
        digest.update(path.read_bytes())
    urls = ROOT_URLS + [settings.STATIC_URL + name for name in files]
    _cache = (stamp, (digest.hexdigest()[:16], urls))
    return _cache[1]


# Static imports only (`import … from "./x.js"` and `import "./x.js"`); screens load later by import().
_STATIC_IMPORT = re.compile(r'^\s*import\s+(?:[^"\';]*?\s+from\s+)?["\'](\.{1,2}/[^"\']+\.js)["\']', re.M)


def module_preloads(entry: str = "frontend/js/main.js") -> list[str]:
    """URLs of every module the entry point imports statically, so the page asks for them at once
    (`<link rel="modulepreload">`) instead of discovering them one level at a time."""
    files = shell_files()
    seen: list[str] = []
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in seen or name not in files:
            continue
        seen.append(name)
        folder = os.path.dirname(name)
        text = files[name].read_text()
        todo.extend(os.path.normpath(os.path.join(folder, rel)) for rel in _STATIC_IMPORT.findall(text))
    return [settings.STATIC_URL + name for name in seen[1:]]
