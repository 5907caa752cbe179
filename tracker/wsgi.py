"""WSGI entry point (gunicorn tracker.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from tracker.datadir import prepare

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
# Usually done already by `make run` / manage.py; safe when every worker runs it (tracker.datadir).
prepare()
application = get_wsgi_application()
