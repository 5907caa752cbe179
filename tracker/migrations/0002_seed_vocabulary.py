from django.db import migrations


def seed(apps, schema_editor):
    from tracker.vocabulary import load_builtin_vocabulary

    load_builtin_vocabulary(apps)


class Migration(migrations.Migration):
    """Seed the built-in vocabulary. `manage.py loadvocabulary` re-syncs it after the data files change."""

    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
