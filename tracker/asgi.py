"""ASGI entry point, for servers that prefer it; Attune itself runs under gunicorn's sync workers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
application = get_asgi_application()
