"""Django's SQLite backend, with its rewrite of each statement's placeholders done once per statement.

Django writes SQL with `%s` placeholders; on SQLite its cursor rewrites them to `?` on every execution,
with a regular expression (behind a lazy object) over the whole statement. The same statements run
again and again (the ORM's for each query shape, tracker.rows' built once), and that rewrite was 6.5 %
of a check-in POST's instructions, the INSERT being long (issue 12). The rewrite is a pure function of
the statement's text, so its result is kept, by Django's own code, for each distinct text.
"""

from django.db.backends.sqlite3 import base

CONVERTED_MAX = 1000  # distinct statements kept; past it the memo starts again (it is only a memo)
_converted: dict[str, str] = {}


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is not None:  # named parameters: the rewrite depends on them, left to Django
            return super().convert_query(query, param_names=param_names)
        converted = _converted.get(query)
        if converted is None:
            converted = super().convert_query(query)
            if len(_converted) >= CONVERTED_MAX:
                _converted.clear()
            _converted[query] = converted
        return converted


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
