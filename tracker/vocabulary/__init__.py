"""The built-in vocabulary, shipped as JSON data files in this folder and seeded idempotently.

Seeding runs after every `migrate` (`seed_after_migrate`, connected in tracker.apps) against the current
models, not inside a migration: a data migration would run today's JSON and loader against the historical
models of its day, and the first field added to either would break a fresh `migrate`.
"""

import functools
import json
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader

# The current models, never historical ones: seeding runs after migrating (seed_after_migrate).
from tracker.models import BodyArea, Emotion, Help, Need, Sensation

DATA_DIR = Path(__file__).resolve().parent
EMOTION_FIELDS = (
    "name", "family", "definition", "pleasantness", "energy", "is_interpretation", "is_self_judgment",
)  # fmt: skip
# The key of self_compassion.json for a need category it has no words of its own for (a custom one).
DEFAULT_CATEGORY = "default"


def read(kind: str) -> list[dict]:
    return json.loads((DATA_DIR / f"{kind}.json").read_text(encoding="utf-8"))


@functools.cache
def practices() -> dict[str, Any]:
    """The app's gentle-prompt texts (issue 14), read once per process: self-compassion by need category
    (self_compassion.json: {category: [{kindness, common_humanity, mindfulness}]}, DEFAULT_CATEGORY for
    the rest) and harsh lines rewritten as kinder ones (kind_lines.json: [{harsh, kind}])."""
    return {"self_compassion": read("self_compassion"), "kind_line_examples": read("kind_lines")}


def _sync_words(model, rows: list[dict], fields: tuple[str, ...], builtin: dict) -> dict:
    """Insert missing rows and update changed ones, keyed by slug, in a few bulk queries."""
    existing = {word.slug: word for word in model.objects.filter(**builtin)}
    missing, changed = [], []
    for row in rows:
        values = {field: row[field] for field in fields}
        word = existing.get(row["slug"])
        if word is None:
            missing.append(model(slug=row["slug"], **builtin, **values))
        elif any(getattr(word, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(word, field, value)
            changed.append(word)
    model.objects.bulk_create(missing)
    if changed:
        model.objects.bulk_update(changed, fields)
    return {word.slug: word for word in model.objects.filter(**builtin)}


def _sync_links(relation, wanted: set[tuple[int, int]]) -> None:
    """Make an M2M through table hold exactly `wanted` (from_id, to_id) pairs among built-ins."""
    through = relation.through
    from_field = relation.field.m2m_column_name()
    to_field = relation.field.m2m_reverse_name()
    builtin_ids = relation.field.model.objects.filter(owner=None).values_list("pk", flat=True)
    current = set(
        through.objects.filter(**{f"{from_field}__in": builtin_ids}).values_list(from_field, to_field)
    )
    for from_id, to_id in current - wanted:
        through.objects.filter(**{from_field: from_id, to_field: to_id}).delete()
    through.objects.bulk_create([through(**{from_field: a, to_field: b}) for a, b in wanted - current])


@transaction.atomic
def load_builtin_vocabulary() -> dict[str, int]:
    """Insert or update every built-in word by slug; running it again changes nothing.

    Returns how many words of each kind the data files hold.
    """
    builtin = {"owner": None}

    needs = _sync_words(Need, read("needs"), ("name", "category", "definition"), builtin)
    sensations = _sync_words(Sensation, read("sensations"), ("name", "definition"), builtin)
    helps = _sync_words(Help, read("helps"), ("name", "definition"), builtin)
    areas = [{**row, "position": position} for position, row in enumerate(read("body_areas"))]
    body_areas = _sync_words(BodyArea, areas, ("name", "position"), {})
    emotion_rows = read("emotions")
    emotions = _sync_words(Emotion, emotion_rows, EMOTION_FIELDS, builtin)

    _sync_links(
        Emotion.suggested_emotions,
        {
            (emotions[r["slug"]].pk, emotions[s].pk)
            for r in emotion_rows
            for s in r.get("suggested_emotions", [])
        },
    )
    _sync_links(
        Emotion.suggested_needs,
        {(emotions[r["slug"]].pk, needs[s].pk) for r in emotion_rows for s in r.get("suggested_needs", [])},
    )
    from tracker.services import builtin_words_forget

    builtin_words_forget()
    return {
        "emotions": len(emotions),
        "needs": len(needs),
        "sensations": len(sensations),
        "helps": len(helps),
        "body_areas": len(body_areas),
    }


def seed_after_migrate(*, using: str = DEFAULT_DB_ALIAS, plan: list | None = None, **_kwargs) -> None:
    """post_migrate receiver: sync the built-in vocabulary once the tracker app is fully migrated.

    `flush` sends post_migrate without a plan and is left alone (tests re-seed after a flush themselves,
    see tests/conftest.py). A database migrated to an older tracker migration (or to zero) is skipped: the
    current models, which the loader uses, would not match its tables. Only the default database holds
    the vocabulary (the loader uses the default manager).
    """
    if plan is None or using != DEFAULT_DB_ALIAS:
        return
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    leaves = {node for node in loader.graph.leaf_nodes() if node[0] == "tracker"}
    if leaves and leaves <= set(loader.applied_migrations):
        load_builtin_vocabulary()
