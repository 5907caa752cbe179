from django.db import migrations


class Migration(migrations.Migration):
    """Once the vocabulary's seed; now empty, kept so the migration graph and applied databases stay valid.

    Running today's loader and JSON against the historical models of 0001 broke a fresh `migrate` as soon
    as either gained a field. The vocabulary is seeded after every `migrate` with the current models
    instead (tracker.vocabulary.seed_after_migrate); `manage.py loadvocabulary` re-syncs it by hand.
    """

    dependencies = [("tracker", "0001_initial")]

    operations = []
