"""`manage.py sendreminders`: the reminder loop. Run one beside the web server, or many at scale."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from tracker import dispatcher, push

logger = logging.getLogger("tracker.dispatcher")


class Command(BaseCommand):
    help = (
        "Send due reminders as Web Push, forever (SIGTERM/SIGINT: finish the current step and exit 0). "
        "Any number may run against the same database: each reminder is claimed by exactly one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="run one step and exit")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds to sleep when nothing was due (default 2)"
        )

    def handle(self, *args, once: bool = False, interval: float = 2.0, **options) -> None:
        if push.vapid_ensure_keys():
            self.stdout.write(f"Created the VAPID key pair in {push.vapid_key_file()}")
        self.stop_requested = threading.Event()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, self.request_stop)
        self.stdout.write("sendreminders: running" + (" once" if once else ""))
        try:
            while not self.stop_requested.is_set():
                worked = self.handle_one()  # a stop request lets the current step finish
                if once:
                    break
                if not worked:
                    self.stop_requested.wait(interval)  # a signal sets the event and ends the nap at once
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("sendreminders: stopped")

    def request_stop(self, *_args) -> None:
        self.stop_requested.set()

    def handle_one(self) -> int:
        """One step: send what is due, then retry owed prompts. Returns how many items were worked on."""
        if not connection.in_atomic_block:  # (tests run the step inside their own transaction)
            close_old_connections()  # a long-running loop must notice dropped or expired connections
        try:
            sent = dispatcher.dispatch_due()
            retried = dispatcher.retry_pending()
        except DatabaseError:
            # The database is away (restart, failover): wait and try again instead of dying, which would
            # take `make run`'s web server down with it.
            logger.exception("sendreminders: database error, trying again shortly")
            return 0
        return sent.claimed + sent.errors + retried.claimed
