"""Usernames unique regardless of case, in the database.

user_register checks `username__iexact` first, but two registrations of "Alice" and "alice" at the same
moment both passed the check; a unique index on LOWER(username) lets exactly one insert win (the other
gets IntegrityError, answered as "That username is taken."). django.contrib.auth owns the table, so the
index is created here with SQL that SQLite and PostgreSQL both accept. It fails on a database that
already holds two usernames differing only in case: rename one first.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0003_push_pending"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE UNIQUE INDEX auth_user_username_ci_unique ON auth_user (LOWER(username))",
            reverse_sql="DROP INDEX auth_user_username_ci_unique",
        ),
    ]
