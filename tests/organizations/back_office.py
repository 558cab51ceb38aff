"""Back-office addresses and helpers shared by the back-office tests."""

from django.contrib.messages import get_messages

from organizations.models import Membership

ORGANIZATIONS = "/backoffice/organizations/organization/"
MEMBERSHIPS = "/backoffice/organizations/membership/"
AUDIT_LOG = "/backoffice/organizations/auditlog/"


def membership_of(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization, disabled_at__isnull=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]
