"""Store every e-mail address lower-cased (issue 8, item 7).

Addresses used to keep the case of their local part ("Mixed.Case@x.fr"), while allauth
looks them up lower-cased: such a person could neither sign in by e-mail nor reset their
password. The case-insensitive unique index on the address guarantees that lower-casing
cannot make two accounts collide. allauth's own addresses (EmailAddress) are lower-cased
by allauth since its migration 0006; they are done again here for rows written since by
anything else. One UPDATE per table, in the database (as allauth's 0006 does).
"""

from django.db import migrations
from django.db.models.functions import Lower


def lowercase_emails(apps, schema_editor):
    db_alias = schema_editor.connection.alias
    EmailAddress = apps.get_model("account", "EmailAddress")
    # One person with the same address in two cases ("A@x.fr" and "a@x.fr") would break
    # allauth's unique (user, email) once lower-cased: keep one row, with the flags of both.
    mixed = EmailAddress.objects.using(db_alias).exclude(email=Lower("email"))
    for address in mixed.iterator():
        twin = (
            EmailAddress.objects.using(db_alias)
            .filter(user_id=address.user_id, email__iexact=address.email)
            .exclude(pk=address.pk)
            .first()
        )
        if twin is not None:
            twin.verified = twin.verified or address.verified
            twin.primary = twin.primary or address.primary
            address.delete()
            twin.email = twin.email.lower()
            twin.save(update_fields=["verified", "primary", "email"])
    for model in (apps.get_model("accounts", "User"), EmailAddress):
        (
            model.objects.using(db_alias)
            .filter(email__isnull=False)
            .exclude(email=Lower("email"))
            .update(email=Lower("email"))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    # Nothing to undo: the lower-cased address is the same address.
    operations = [migrations.RunPython(lowercase_emails, migrations.RunPython.noop)]
