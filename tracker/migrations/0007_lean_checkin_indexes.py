"""Check-in indexes for issue 12: one index fewer to write per check-in, and the trends' index covering.

- The user's own foreign-key index goes: every other index of the table starts with the user, so each
  query by user (and the cascade of an account's deletion) still has one. It is dropped by name rather
  than by AlterField, which on SQLite would copy the whole table to drop one index.
- (user, local_date) becomes (user, local_date, emotion, intensity, intensity_after, updated_at): the
  range trends and the charts' fingerprint read only those columns, so SQLite answers them from the
  index alone. The new index is built before the old one goes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django's name for the foreign key's index (the same on SQLite and PostgreSQL).
USER_FK_INDEX = "tracker_checkin_user_id_6d43449d"


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0006_healing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="checkin",
            index=models.Index(
                fields=["user", "local_date", "emotion", "intensity", "intensity_after", "updated_at"],
                name="checkin_user_day_covering_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="checkin", name="checkin_user_local_date_idx"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{USER_FK_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{USER_FK_INDEX}" ON "tracker_checkin" ("user_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="checkin",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checkins",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
