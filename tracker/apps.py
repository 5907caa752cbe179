from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Attune"

    def ready(self) -> None:
        from tracker.services import builtin_words_forget

        # Migrations and flushes (tests) may give built-in words new ids.
        post_migrate.connect(builtin_words_forget, dispatch_uid="tracker-builtin-words-forget")
