"""The log of reads of personal data refuses UPDATE and DELETE."""

from django.db import migrations

from lianggang.dbguard import protect

forward, backward = protect("ledger_personaldataread")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_pending_import")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
