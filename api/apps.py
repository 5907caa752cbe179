from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


def _session_begin(sender, request, user, **kwargs) -> None:
    from tracker import credentials

    if request is not None and hasattr(request, "session"):
        credentials.session_begin(session=request.session)


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Attune API"

    def ready(self) -> None:
        # The signal, not the login view: every login() starts the clocks (the test client's force_login
        # and any future sign-in path included), and a session without them is refused.
        user_logged_in.connect(_session_begin, dispatch_uid="api-session-begin")
