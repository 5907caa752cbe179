"""The app shell's file list and version, taken from the files themselves.

The service worker precaches exactly these files under one cache named by the version, so any change
to any shell file (or to the HTML) is a new version, and old HTML never runs with new scripts.
"""

import hashlib
import os
import re
from pathlib import Path

from django.conf import settings

STATIC_DIR = Path(__file__).resolve().parent / "static"
SHELL_PREFIX = "frontend/"
INDEX_TEMPLATE = Path(__file__).resolve().parent / "templates" / "frontend" / "index.html"
# Served from the origin's root, outside /static/.
ROOT_URLS = ["/", "/manifest.webmanifest"]

_cache: tuple[tuple, tuple[str, list[str]]] | None = None


def _shell_files() -> list[Path]:
    root = STATIC_DIR / SHELL_PREFIX
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


def shell_version() -> tuple[str, list[str]]:
    """(version, URLs to precache). Recomputed only when a file's size or mtime changes."""
    global _cache
    files = [*_shell_files(), INDEX_TEMPLATE, Path(__file__).resolve().parent / "views.py"]
    stamp = tuple((str(p), os.stat(p).st_mtime_ns, os.stat(p).st_size) for p in files)
    if _cache is not None and _cache[0] == stamp:
        return _cache[1]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(STATIC_DIR.parent)).encode())
        digest.update(path.read_bytes())
    urls = ROOT_URLS + [settings.STATIC_URL + str(p.relative_to(STATIC_DIR)) for p in _shell_files()]
    _cache = (stamp, (digest.hexdigest()[:16], urls))
    return _cache[1]


# Static imports only (`import … from "./x.js"` and `import "./x.js"`); screens load later by import().
_STATIC_IMPORT = re.compile(r'^\s*import\s+(?:[^"\';]*?\s+from\s+)?["\'](\.{1,2}/[^"\']+\.js)["\']', re.M)


def module_preloads(entry: str = "js/main.js") -> list[str]:
    """URLs of every module the entry point imports statically, so the page asks for them at once
    (`<link rel="modulepreload">`) instead of discovering them one level at a time."""
    root = STATIC_DIR / SHELL_PREFIX
    seen: list[Path] = []
    todo = [(root / entry).resolve()]
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.append(path)
        todo.extend((path.parent / rel).resolve() for rel in _STATIC_IMPORT.findall(path.read_text()))
    return [settings.STATIC_URL + str(p.relative_to(STATIC_DIR)) for p in seen[1:]]
