"""The audit of values and the submissions' state changes refuse UPDATE and DELETE."""

from django.db import migrations

from lianggang.dbguard import protect

forward, backward = protect("collection_datavalueaudit", "collection_submissionevent")


class Migration(migrations.Migration):
    dependencies = [("collection", "0005_notifications")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
