"""A check-in's optional words indexed only where it names one (issue 12).

Each of need, sensation, body area and would-help had a foreign-key index over every check-in, written
on every insert even when the word is empty. Their indexes are now partial (`WHERE <word>_id IS NOT
NULL`): deleting a word (PROTECT) still finds the check-ins that name it by index, and a check-in that
leaves a word empty writes nothing there. The partial indexes are built before the old ones go, which
are dropped by name rather than by AlterField: on SQLite that would copy the whole table four times.
"""

import django.db.models.deletion
from django.db import migrations, models

# (field, model, Django's name for its foreign key's index: the same on SQLite and PostgreSQL)
WORDS = [
    ("need", "tracker.need", "tracker_checkin_need_id_d30aeed9"),
    ("sensation", "tracker.sensation", "tracker_checkin_sensation_id_974cc9a1"),
    ("body_area", "tracker.bodyarea", "tracker_checkin_body_area_id_01587a27"),
    ("would_help", "tracker.help", "tracker_checkin_would_help_id_c1d7c5e7"),
]


def _unindexed_foreign_key(model: str) -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=model,
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0007_lean_checkin_indexes")]

    operations = [
        *(
            migrations.AddIndex(
                model_name="checkin",
                index=models.Index(
                    condition=models.Q((f"{field}__isnull", False)),
                    fields=[field],
                    name=f"checkin_{field}_idx",
                ),
            )
            for field, _model, _old in WORDS
        ),
        *(
            migrations.SeparateDatabaseAndState(
                database_operations=[
                    migrations.RunSQL(
                        f'DROP INDEX IF EXISTS "{old}"',
                        reverse_sql=f'CREATE INDEX "{old}" ON "tracker_checkin" ("{field}_id")',
                    )
                ],
                state_operations=[
                    migrations.AlterField(
                        model_name="checkin", name=field, field=_unindexed_foreign_key(model)
                    )
                ],
            )
            for field, model, old in WORDS
        ),
    ]
