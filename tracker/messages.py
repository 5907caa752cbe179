"""The error messages a person reads, written once: those more than one place gives, and those of a
domain rule (a check-in's values, a date range).

Several functions refuse the same thing (a wrong password when deleting the account and when changing
it, a range whose ends are swapped in the trends and the report): they share the words from here so
the app says one thing one way, and a change of wording is one edit. A message with a `{placeholder}`
is a template, filled with str.format where it is given. The API's error bodies and the import's row
messages are part of their contracts (the tests hold them byte for byte).
"""

from tracker import checkin_rules as rules

_FIRST_DATE = rules.EARLIEST_OCCURRED_AT.date()
_LAST_DATE = rules.LATEST_INSTANT.date()

REQUIRED = "This field is required."
USERNAME_TAKEN = "That username is taken."
WRONG_PASSWORD = "That password is not right."  # noqa: S105 (a message, not a password)
BODY_TOO_LARGE = "The request body is too large."
CHOOSE_ONE_OF = "Choose one of {choices}."

# The profile (tracker.services.profile_update).
UNKNOWN_TIME_ZONE = "'{name}' is not a known IANA time zone, e.g. Europe/Berlin."
DAY_START_HOUR = "Choose an hour from 0 to 23."
PAUSED_UNTIL_TOO_LATE = f"Choose a moment before {_LAST_DATE}."

# Words and vocabulary.
UNKNOWN_WORD = "Unknown {kind} '{slug}'."  # kind: emotion, need, sensation, body area, help
ALREADY_IN_VOCABULARY = "'{name}' is already in your vocabulary."
WORD_NAME_EMPTY = "Use at least one letter or digit."
WORD_AXIS_RANGE = "Give a number from -1 to 1."  # a custom emotion's pleasantness and energy

# Dates and ranges (tracker.trends, tracker.report_data).
FROM_AFTER_TO = "'from' must not be after 'to'."
DATE_OUT_OF_RANGE = f"Choose a date between {_FIRST_DATE} and {_LAST_DATE}."
MOMENT_OUT_OF_RANGE = f"Choose a moment from {_FIRST_DATE} to {_LAST_DATE}."
RANGE_TOO_LONG_FOR_BUCKET = "Choose a range of at most {years} years for bucket={bucket}."
RANGE_TOO_LONG = "Choose a range of at most {years} years."

# A check-in's values (tracker.checkin_rules), as the API says them and as an import's row says them.
UTC_OFFSET_NEEDED = "Include a UTC offset, e.g. 2026-11-22T08:30:00+01:00."
CHECKIN_TOO_EARLY = "That is too long ago to be a check-in."
CHECKIN_IN_FUTURE = "A check-in cannot be in the future."
CHECKIN_RULES = {
    rules.NAIVE: UTC_OFFSET_NEEDED,
    rules.TOO_EARLY: CHECKIN_TOO_EARLY,
    rules.FUTURE: CHECKIN_IN_FUTURE,
    rules.INTENSITY_RANGE: f"Choose an intensity from {rules.INTENSITY_MIN} to {rules.INTENSITY_MAX}.",
    rules.NOTE_TOO_LONG: f"Keep the note to {rules.NOTE_MAX_LENGTH:,} characters.",
    rules.INTENSITY_AFTER_RANGE: (
        f"Choose an intensity from {rules.INTENSITY_MIN} to {rules.INTENSITY_MAX}, or leave it empty."
    ),
    rules.LINE_TOO_LONG: f"Keep it to {rules.LINE_MAX_LENGTH} characters.",
    rules.CONTEXT_TOO_BIG: (
        f"Use at most {rules.CONTEXT_MAX_TAGS} tags of at most {rules.CONTEXT_TAG_MAX_LENGTH} characters."
    ),
}
ROW_INTENSITY = f"'intensity' must be a whole number from {rules.INTENSITY_MIN} to {rules.INTENSITY_MAX}."
ROW_INTENSITY_AFTER = (
    f"'intensity_after' must be a whole number from {rules.INTENSITY_MIN} to {rules.INTENSITY_MAX}, or empty."
)
ROW_RULES = {
    rules.NAIVE: "'occurred_at' needs a UTC offset.",
    rules.TOO_EARLY: CHECKIN_TOO_EARLY,
    rules.FUTURE: CHECKIN_IN_FUTURE,
    rules.INTENSITY_RANGE: ROW_INTENSITY,
    rules.NOTE_TOO_LONG: f"The note is longer than {rules.NOTE_MAX_LENGTH:,} characters.",
    rules.INTENSITY_AFTER_RANGE: ROW_INTENSITY_AFTER,
    rules.LINE_TOO_LONG: f"A harsh or kinder line is longer than {rules.LINE_MAX_LENGTH} characters.",
    rules.CONTEXT_TOO_BIG: (
        f"Use at most {rules.CONTEXT_MAX_TAGS} context tags of at most "
        f"{rules.CONTEXT_TAG_MAX_LENGTH} characters."
    ),
}

# Import files (tracker.imports) and the import endpoint.
MAPPING_SHAPE = 'Send a JSON object of {"label": "emotion slug"}.'  # not a template: the braces are JSON
ROW_FIELD_REQUIRED = "'{name}' is required."
NOT_A_DATE = "'{value}' is not a date (YYYY-MM-DD)."
NOT_A_JSON_OBJECT = "{where} is not a JSON object."

# Boundaries and weekly intentions (tracker.practices); the limits are its constants.
BOUNDARY_TEXT_REQUIRED = "Write what you will or won't accept."
BOUNDARY_TEXT_TOO_LONG = "Keep a boundary to {limit} characters."
BOUNDARY_TOO_MANY_NEEDS = "Choose at most {limit} needs."
BOUNDARIES_TOO_MANY = "Keep to {limit} boundaries; you could let go of one you no longer need."
INTENTION_TEXT_TOO_LONG = "Keep an intention to {limit} characters."
