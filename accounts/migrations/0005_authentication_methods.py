"""Accounts' authentication methods: the GAR identifier moves from `User.gar_id` to an
`AuthenticationMethod` row (provider GAR, external id = the IDO), then the column goes."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def gar_ids_to_methods(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    AuthenticationMethod = apps.get_model("accounts", "AuthenticationMethod")
    now = django.utils.timezone.now()
    AuthenticationMethod.objects.bulk_create(
        AuthenticationMethod(
            user_id=user["pk"],
            provider="GAR",
            external_id=user["gar_id"],
            first_name=user["first_name"][:255],
            last_name=user["last_name"][:255],
            created_at=now,
        )
        # An empty gar_id (never written by the application, but the column allowed it)
        # is no GAR identifier.
        for user in User.objects.filter(gar_id__isnull=False).exclude(gar_id="").values(
            "pk", "gar_id", "first_name", "last_name"
        )
    )


def methods_to_gar_ids(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    AuthenticationMethod = apps.get_model("accounts", "AuthenticationMethod")
    for method in AuthenticationMethod.objects.filter(provider="GAR"):
        User.objects.filter(pk=method.user_id).update(gar_id=method.external_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_must_change_password"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthenticationMethod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "provider",
                    models.CharField(
                        choices=[("GAR", "GAR (ENT)")], max_length=16, verbose_name="provider"
                    ),
                ),
                (
                    "external_id",
                    models.CharField(max_length=255, verbose_name="external identifier"),
                ),
                (
                    "first_name",
                    models.CharField(
                        blank=True, max_length=255, verbose_name="first name received"
                    ),
                ),
                (
                    "last_name",
                    models.CharField(blank=True, max_length=255, verbose_name="last name received"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last used at"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="authentication_methods",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "authentication method",
                "verbose_name_plural": "authentication methods",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("provider", "external_id"),
                        name="authenticationmethod_one_account_per_external_id",
                    ),
                    models.UniqueConstraint(
                        fields=("user", "provider"), name="authenticationmethod_one_per_provider"
                    ),
                ],
            },
        ),
        migrations.RunPython(gar_ids_to_methods, methods_to_gar_ids),
        migrations.RemoveField(model_name="user", name="gar_id"),
    ]
