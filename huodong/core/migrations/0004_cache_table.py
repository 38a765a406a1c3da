"""The database cache's table (settings.CACHES), made with the schema so that `migrate` is the
one step a deployment runs: `createcachetable` skips a table that exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_benchping")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
