"""Ids in the path: a malformed id, an unknown one and another user's are the same 404, same body.

Every view that takes an id from its URL parses it here, so none can tell "not a UUID" from "not yours"
(an enumeration oracle) and all answer the schema's one 404.
"""

import uuid

from rest_framework.exceptions import NotFound


def uuid_or_404(value: str) -> uuid.UUID:
    """`value` as a UUID; a malformed id is just another id nobody holds: 404."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound() from None


def or_404[T](found: T | None) -> T:
    """`found` unless it is None (the caller holds no such object): 404."""
    if found is None:
        raise NotFound()
    return found
