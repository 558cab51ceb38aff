"""`organizations/<id>/invitations/`: the team page's invitations, for administrators.

    GET    invitations/                  the pending ones, most recently sent first
    POST   invitations/                  invite several addresses ({"emails": [...]}), all
                                         or nothing; {"dry_run": true} says what it would do
    POST   invitations/<id>/resend/      a new link (a minute after the last sending)
    POST   invitations/<id>/cancel/      the link stops working

The team page's rules, through its lookups (`organization_get_for_admin`,
`invitation_get_for_admin`) and services (`addresses_parse` / `addresses_check`,
`team_invitations_preview`, `invitations_send_many`, `invitation_resend_by_admin`,
`invitation_cancel_by_admin`): at most 50 addresses, every one valid or nothing sent
(`TOO_MANY_ADDRESSES`, `INVALID_ADDRESSES` with `meta.addresses`), already-members
reported and not invited, 200 e-mails an hour per organisation (`TEAM_INVITATIONS_LIMIT`,
429), a resend a minute after the last (`INVITATION_RESEND_TOO_SOON`, 429), the limits'
cache down: `INVITATION_LIMIT_UNAVAILABLE` (503, nothing sent). The e-mails are in the
caller's language, as on the page.
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.language import supported_or_default
from organizations.guards import organization_get_for_admin
from pixorga.api.errors import field_error
from pixorga.api.schema import error
from pixorga.api.views import GuardedAPIView

from .guards import invitation_get_for_admin
from .models import Invitation
from .selectors import invitation_list_pending
from .services import (
    MAX_ADDRESSES,
    addresses_check,
    addresses_parse,
    invitation_cancel_by_admin,
    invitation_resend_by_admin,
    invitations_send_many,
    team_invitations_preview,
)

TAGS = ["team"]
LIMITS = error(
    "TEAM_INVITATIONS_LIMIT (`meta.limit`, `meta.remaining`: 200 e-mails an hour per "
    "organisation), INVITATION_RESEND_TOO_SOON (`meta.seconds`). Nothing was sent."
)
UNAVAILABLE = error(
    "INVITATION_LIMIT_UNAVAILABLE: the limits cannot be counted right now; nothing was sent, "
    "try again in a few minutes."
)


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Invitation.Role.choices)
    status = serializers.ChoiceField(choices=Invitation.Status.choices)
    last_sent_at = serializers.DateTimeField(allow_null=True)
    delivery = serializers.ChoiceField(
        choices=Invitation.Delivery.choices, help_text="Where its last e-mail is."
    )


class InviteSerializer(serializers.Serializer):
    emails = serializers.ListField(
        child=serializers.CharField(max_length=400),
        min_length=1,
        max_length=1000,
        help_text=f"At most {MAX_ADDRESSES} different addresses; each is trimmed and "
        "lower-cased, and may itself hold several separated by commas, semicolons or spaces.",
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Say what would be done, send nothing."
    )


class InviteResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    new = serializers.ListField(child=serializers.EmailField(), help_text="Invited.")
    resent = serializers.ListField(
        child=serializers.EmailField(), help_text="Already invited: sent again, a new link."
    )
    too_recent = serializers.ListField(
        child=serializers.EmailField(), help_text="Invited less than a minute ago: not sent."
    )
    already_members = serializers.ListField(
        child=serializers.EmailField(), help_text="Already in the team: not invited."
    )


class InvitationList(GuardedAPIView):
    guards = {"GET": organization_get_for_admin, "POST": organization_get_for_admin}

    @extend_schema(
        operation_id="invitations_list",
        summary="The pending invitations, most recently sent first (administrators)",
        responses={200: InvitationSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request, **kwargs) -> Response:
        pending = invitation_list_pending(organization_id=self.membership.organization_id)
        return Response(InvitationSerializer(pending, many=True).data)

    @extend_schema(
        operation_id="invitations_create",
        summary="Invite several people at once, all or nothing (administrators)",
        request=InviteSerializer,
        responses={
            201: InviteResultSerializer,
            200: InviteResultSerializer,
            429: LIMITS,
            503: UNAVAILABLE,
        },
        tags=TAGS,
    )
    def post(self, request: Request, **kwargs) -> Response:
        body = InviteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        parsed = addresses_parse("\n".join(body.validated_data["emails"]))
        if not parsed.count:  # only separators
            raise field_error("emails", "required", _("Type at least one e-mail address."))
        addresses_check(parsed)
        organization = self.membership.organization
        if body.validated_data["dry_run"]:
            plan = team_invitations_preview(organization=organization, emails=parsed.emails)
        else:
            plan = invitations_send_many(
                organization=organization,
                actor=request.user,
                emails=parsed.emails,
                language=supported_or_default(get_language()),
            )
        dry_run = body.validated_data["dry_run"]
        data = {
            "dry_run": dry_run,
            "new": plan.new,
            "resent": plan.resent,
            "too_recent": plan.too_recent,
            "already_members": plan.already_members,
        }
        return Response(InviteResultSerializer(data).data, status=200 if dry_run else 201)


class _InvitationAction(GuardedAPIView):
    guards = {"POST": invitation_get_for_admin}


CONFLICT = error("INVITATION_NOT_PENDING (accepted or cancelled), ORGANIZATION_ARCHIVED.")


class InvitationResend(_InvitationAction):
    @extend_schema(
        operation_id="invitations_resend",
        summary="Send a pending invitation again, with a new link (administrators)",
        request=None,
        responses={200: InvitationSerializer, 409: CONFLICT, 429: LIMITS, 503: UNAVAILABLE},
        tags=TAGS,
    )
    def post(self, request: Request, **kwargs) -> Response:
        invitation = invitation_resend_by_admin(invitation=self.object, actor=request.user)
        return Response(InvitationSerializer(invitation).data)


class InvitationCancel(_InvitationAction):
    @extend_schema(
        operation_id="invitations_cancel",
        summary="Cancel a pending invitation: its link stops working (administrators)",
        request=None,
        responses={200: InvitationSerializer, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, **kwargs) -> Response:
        invitation = invitation_cancel_by_admin(invitation=self.object, actor=request.user)
        return Response(InvitationSerializer(invitation).data)
