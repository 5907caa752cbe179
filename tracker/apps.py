"""The tracker app: wires the post_migrate steps (vocabulary seeding, the built-in word cache)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Attune"

    def ready(self) -> None:
        from tracker.services import builtin_words_forget
        from tracker.vocabulary import seed_after_migrate

        # Seeding uses the current models after migrating, never historical ones (tracker.vocabulary).
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="tracker-seed-vocabulary")
        # Migrations and flushes (tests) may give built-in words new ids.
        post_migrate.connect(builtin_words_forget, dispatch_uid="tracker-builtin-words-forget")
