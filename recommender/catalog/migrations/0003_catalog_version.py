"""The catalog version row (recommender/catalog/snapshot.py): created with a first token."""
import uuid

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("catalog", "CatalogVersion").objects.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_block_classes_prices_protection_quotes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
