"""Token authentication that loads the user's profile in the same query.

Almost every endpoint needs the profile (time zone, day start, week start); joining it here saves a
query per request.
"""

from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        try:
            token = Token.objects.select_related("user", "user__profile").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token
