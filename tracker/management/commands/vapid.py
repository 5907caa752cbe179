"""`manage.py vapid`: create the Web Push (VAPID) key pair where settings say, unless it exists."""

from django.core.management.base import BaseCommand

from tracker import push


class Command(BaseCommand):
    help = (
        "Create the VAPID key pair at VAPID_PRIVATE_KEY_FILE (mode 0600) unless it exists, and print the "
        "public application server key. Idempotent: an existing key is never replaced (browsers' "
        "subscriptions are bound to it)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-missing", action="store_true", help="print nothing when the key exists")

    def handle(self, *args, if_missing: bool = False, **options) -> None:
        created = push.vapid_ensure_keys()
        if created:
            self.stdout.write(f"Created the VAPID key pair in {push.vapid_key_file()}")
        elif if_missing:
            return
        else:
            self.stdout.write(f"The VAPID key pair exists in {push.vapid_key_file()}")
        self.stdout.write(f"Application server key: {push.application_server_key()}")
