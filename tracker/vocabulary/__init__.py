"""The built-in vocabulary, shipped as JSON data files in this folder and seeded idempotently."""

import json
from pathlib import Path

from django.apps import apps as global_apps

DATA_DIR = Path(__file__).resolve().parent


def read(kind: str) -> list[dict]:
    return json.loads((DATA_DIR / f"{kind}.json").read_text(encoding="utf-8"))


def load_builtin_vocabulary(apps=global_apps) -> dict[str, int]:
    """Insert or update every built-in word by slug; running it again changes nothing.

    Takes an app registry so the data migration can run it against historical models.
    Returns how many words of each kind the data files hold.
    """
    Emotion = apps.get_model("tracker", "Emotion")
    Need = apps.get_model("tracker", "Need")
    Sensation = apps.get_model("tracker", "Sensation")
    BodyArea = apps.get_model("tracker", "BodyArea")

    needs = {}
    for row in read("needs"):
        needs[row["slug"]], _ = Need.objects.update_or_create(
            owner=None,
            slug=row["slug"],
            defaults={"name": row["name"], "category": row["category"], "definition": row["definition"]},
        )
    for row in read("sensations"):
        Sensation.objects.update_or_create(
            owner=None, slug=row["slug"], defaults={"name": row["name"], "definition": row["definition"]}
        )
    for position, row in enumerate(read("body_areas")):
        BodyArea.objects.update_or_create(
            slug=row["slug"], defaults={"name": row["name"], "position": position}
        )

    emotion_rows = read("emotions")
    emotions = {}
    for row in emotion_rows:
        emotions[row["slug"]], _ = Emotion.objects.update_or_create(
            owner=None,
            slug=row["slug"],
            defaults={
                key: row[key]
                for key in ("name", "family", "definition", "pleasantness", "energy", "is_interpretation")
            },
        )
    for row in emotion_rows:
        emotion = emotions[row["slug"]]
        emotion.suggested_emotions.set([emotions[slug] for slug in row.get("suggested_emotions", [])])
        emotion.suggested_needs.set([needs[slug] for slug in row.get("suggested_needs", [])])
    return {
        "emotions": len(emotion_rows),
        "needs": len(needs),
        "sensations": Sensation.objects.filter(owner=None).count(),
        "body_areas": BodyArea.objects.count(),
    }
