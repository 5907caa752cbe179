"""ASGI entry point, for servers that prefer it; Attune itself runs under gunicorn's sync workers."""

import os

from django.core.asgi import get_asgi_application

from tracker.datadir import prepare

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
# Usually done already by `make run` / manage.py; safe when every worker runs it (tracker.datadir).
prepare()
application = get_asgi_application()
