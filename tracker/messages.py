"""The error messages a person reads that more than one rule gives, written once.

Several functions refuse the same thing (a wrong password when deleting the account and when changing
it, a range whose ends are swapped in the trends and the report): they share the words from here so
the app says one thing one way, and a change of wording is one edit.
"""

REQUIRED = "This field is required."
USERNAME_TAKEN = "That username is taken."
WRONG_PASSWORD = "That password is not right."  # noqa: S105 (a message, not a password)
FROM_AFTER_TO = "'from' must not be after 'to'."
BODY_TOO_LARGE = "The request body is too large."
