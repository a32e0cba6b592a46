"""Validation targets: kind (directory or S3), access control, mount-root override; hosts keep their target's name and block."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def snapshot_targets(apps, schema_editor):
    """Hosts of past runs keep their target's name and block, so deleting the target keeps history."""
    RunHost = apps.get_model("benchmarks", "RunHost")
    for host in RunHost.objects.select_related("target").filter(target__isnull=False):
        RunHost.objects.filter(pk=host.pk).update(target_name=host.target.name, target_block=host.target.block)


def everyone_may_use_existing_targets(apps, schema_editor):
    """Targets registered before access control stay usable by the users who used them: public."""
    apps.get_model("benchmarks", "Target").objects.update(public=True)


class Migration(migrations.Migration):

    dependencies = [
        ('benchmarks', '0003_run_hosts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='runhost',
            options={'ordering': ['target_name', 'id']},
        ),
        migrations.AddField(
            model_name='runhost',
            name='target_block',
            field=models.CharField(blank=True, max_length=80),
        ),
        migrations.AddField(
            model_name='runhost',
            name='target_name',
            field=models.CharField(blank=True, max_length=80),
        ),
        migrations.AddField(
            model_name='target',
            name='access_key_id',
            field=models.CharField(blank=True, help_text="S3 key id; empty: the worker's AWS_* environment", max_length=128),
        ),
        migrations.AddField(
            model_name='target',
            name='allowed_users',
            field=models.ManyToManyField(blank=True, related_name='validation_targets', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='target',
            name='bucket',
            field=models.CharField(blank=True, help_text='S3 bucket (kind s3)', max_length=63),
        ),
        migrations.AddField(
            model_name='target',
            name='endpoint_url',
            field=models.CharField(blank=True, help_text='S3 endpoint (kind s3)', max_length=300),
        ),
        migrations.AddField(
            model_name='target',
            name='force_path',
            field=models.BooleanField(default=False, help_text='Staff allowed a mount root as the path'),
        ),
        migrations.AddField(
            model_name='target',
            name='kind',
            field=models.CharField(choices=[('directory', 'directory on a client host'), ('s3', 'S3-compatible bucket')], default='directory', max_length=12),
        ),
        migrations.AddField(
            model_name='target',
            name='public',
            field=models.BooleanField(default=False, help_text='Every signed-in user may run on it'),
        ),
        migrations.AddField(
            model_name='target',
            name='secret_access_key',
            field=models.CharField(blank=True, help_text='S3 secret; write-only, never shown back', max_length=256),
        ),
        migrations.AlterField(
            model_name='runhost',
            name='target',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='run_hosts', to='benchmarks.target'),
        ),
        migrations.AlterField(
            model_name='target',
            name='path',
            field=models.CharField(blank=True, help_text='Absolute directory on that host', max_length=1000),
        ),
        migrations.RunPython(snapshot_targets, migrations.RunPython.noop),
        migrations.RunPython(everyone_may_use_existing_targets, migrations.RunPython.noop),
    ]
