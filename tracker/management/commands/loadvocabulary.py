from django.core.management.base import BaseCommand

from tracker.vocabulary import load_builtin_vocabulary


class Command(BaseCommand):
    help = "Insert or update the built-in vocabulary from tracker/vocabulary/*.json (idempotent)."

    def handle(self, *args, **options) -> None:
        counts = load_builtin_vocabulary()
        self.stdout.write(", ".join(f"{count} {kind}" for kind, count in counts.items()))
