"""Back office of invitations: the list (filters: status, organisation, role, delivery),
cancel and resend actions, and the organisation list's action "Send the administrator
invitation", which sends (or sends again) a school's invitation to its official e-mail.

`organizations` must not import `invitations`, so that last action is added here to the
registered organisation admin. Every change goes through `invitations.services`, with
the staff member as actor on behalf of STAFF (audited); invitations are never edited,
added or deleted by hand.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.admin import OrganizationIdFilter
from organizations.audit import OnBehalfOf
from organizations.models import Organization
from pixorga.errors import AppError

from .errors import NoOfficialEmailError
from .models import Invitation
from .services import invitation_cancel, invitation_resend, invitation_send

STAFF = OnBehalfOf.STAFF


def invitations_url(**filters) -> str:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return f"{reverse('admin:invitations_invitation_changelist')}?{query}"


def _each(model_admin, request, objects, change, done_message) -> None:
    """One service call (one transaction) per row; each refusal shown with its reason."""
    done = 0
    for obj in objects:
        try:
            change(obj)
        except AppError as error:
            model_admin.message_user(
                request,
                _("%(object)s: %(reason)s") % {"object": obj, "reason": error.message},
                messages.ERROR,
            )
        else:
            done += 1
    if done:
        model_admin.message_user(request, done_message(done), messages.SUCCESS)


def _warn_not_sent_yet(model_admin, request, ids) -> None:
    """The broker was down: the rows are kept, and the maintenance task sends them."""
    not_queued = Invitation.objects.filter(
        pk__in=ids, delivery=Invitation.Delivery.NOT_QUEUED
    ).count()
    if not_queued:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d invitation is not sent yet: it will be sent automatically within "
                "a few minutes.",
                "%(count)d invitations are not sent yet: they will be sent automatically "
                "within a few minutes.",
                not_queued,
            )
            % {"count": not_queued},
            messages.WARNING,
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organization_link",
        "role",
        "status",
        "delivery",
        "last_sent_at",
        "sent_by",
        "accepted_by",
        "accepted_at",
    ]
    list_filter = ["status", "role", "delivery", OrganizationIdFilter]
    search_fields = ["email", "organization__name", "organization__uai"]
    list_select_related = ["organization", "sent_by", "accepted_by"]
    fields = [
        "organization",
        "email",
        "role",
        "status",
        "language",
        "created_at",
        "last_sent_at",
        "send_count",
        "sent_by",
        "delivery",
        "delivery_changed_at",
        "requester_first_name",
        "requester_last_name",
        "accepted_by",
        "accepted_at",
        "cancelled_at",
    ]
    readonly_fields = fields
    actions = ["resend", "cancel"]

    @admin.display(description=_("organisation"), ordering="organization__name")
    def organization_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            invitations_url(organization=obj.organization_id),
            obj.organization,
        )

    def has_add_permission(self, request):
        # Created by the services only: the organisation list's action, self-activation,
        # and the team's page.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_manage_permission(self, request):
        return request.user.has_perm("invitations.change_invitation")

    @admin.action(description=_("Send again (new link)"), permissions=["manage"])
    def resend(self, request, queryset):
        invitations = list(queryset.select_related("organization").order_by("pk"))
        _each(
            self,
            request,
            invitations,
            lambda invitation: invitation_resend(
                invitation=invitation, actor=request.user, on_behalf_of=STAFF
            ),
            lambda done: (
                ngettext(
                    "%(count)d invitation sent again.", "%(count)d invitations sent again.", done
                )
                % {"count": done}
            ),
        )
        _warn_not_sent_yet(self, request, [invitation.pk for invitation in invitations])

    @admin.action(description=_("Cancel"), permissions=["manage"])
    def cancel(self, request, queryset):
        _each(
            self,
            request,
            list(queryset.select_related("organization").order_by("pk")),
            lambda invitation: invitation_cancel(
                invitation=invitation, actor=request.user, on_behalf_of=STAFF
            ),
            lambda done: (
                ngettext(
                    "%(count)d invitation cancelled.", "%(count)d invitations cancelled.", done
                )
                % {"count": done}
            ),
        )


# --- On the organisation list -------------------------------------------------------------


@admin.action(
    description=_("Send the administrator invitation (official e-mail)"), permissions=["change"]
)
def send_administrator_invitation(model_admin, request, queryset):
    """The school's administrator invitation (ADMIN) to its official e-mail; a pending one
    is sent again with a new link. In French, the schools' language."""
    sent = []

    def send(organization):
        if not organization.official_email:
            raise NoOfficialEmailError(meta={"organization_id": organization.pk})
        sent.append(
            invitation_send(
                organization=organization,
                email=organization.official_email,
                role=Invitation.Role.ADMIN,
                language=settings.LANGUAGE_CODE,
                sent_by=request.user,
                on_behalf_of=STAFF,
            ).pk
        )

    _each(
        model_admin,
        request,
        list(queryset.order_by("pk")),
        send,
        lambda done: (
            ngettext(
                "%(count)d administrator invitation sent to the official e-mail.",
                "%(count)d administrator invitations sent to the official e-mails.",
                done,
            )
            % {"count": done}
        ),
    )
    _warn_not_sent_yet(model_admin, request, sent)


def _add_to_organization_admin() -> None:
    organization_admin = admin.site.get_model_admin(Organization)
    if send_administrator_invitation not in (organization_admin.actions or []):
        organization_admin.actions = [
            *(organization_admin.actions or []),
            send_administrator_invitation,
        ]


_add_to_organization_admin()
