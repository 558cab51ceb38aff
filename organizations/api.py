"""`/api/v1/me/`: the person calling, their organisations and their role in each.

Like the account pages, it needs no organisation and no acceptance of the terms of use
(it says whether they are accepted, so that a script can tell its owner). Called with a
token, it shows only the token's organisation, with the role the token acts with now.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .guards import check_token_scope
from .models import ApiToken, Membership, Organization
from .selectors import cgu_state_for_user, membership_list_for_user


class MeOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organization.id")
    name = serializers.CharField(source="organization.name")
    type = serializers.ChoiceField(source="organization.type", choices=Organization.Type.choices)
    uai = serializers.CharField(source="organization.uai", allow_null=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    is_archived = serializers.BooleanField(source="organization.is_archived")
    can_import_from_siecle = serializers.BooleanField(source="organization.can_import_from_siecle")


class MeTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(
        help_text="The start of the token, as the account page shows it."
    )
    role = serializers.ChoiceField(
        choices=Membership.Role.choices, help_text="The token's own role."
    )
    organization_id = serializers.IntegerField(source="membership.organization_id")
    expires_at = serializers.DateTimeField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    username = serializers.CharField(allow_null=True, help_text="The sign-in identifier, if any.")
    language = serializers.CharField()
    cgu_accepted = serializers.BooleanField(
        help_text="Whether the terms of use in force are accepted: until they are, every "
        "organisation's resource answers 403 CGU_NOT_ACCEPTED (accept them at /cgu/)."
    )
    organizations = MeOrganizationSerializer(many=True)
    token = MeTokenSerializer(allow_null=True, help_text="The token of this request, if any.")


class MeView(APIView):
    @extend_schema(
        operation_id="me",
        summary="The person calling, their organisations and roles",
        responses={200: MeSerializer},
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        user = request.user
        token: ApiToken | None = getattr(user, "api_token", None)
        memberships = list(membership_list_for_user(user=user))
        if token is not None:
            memberships = [
                check_token_scope(user, membership)
                for membership in memberships
                if membership.pk == token.membership_id
            ]
        if memberships:
            accepted = bool(memberships[0].cgu_accepted)
        else:
            accepted = cgu_state_for_user(user_id=user.pk)[1]
        data = {
            "id": user.pk,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "username": user.username,
            "language": user.language,
            "cgu_accepted": accepted,
            "organizations": memberships,
            "token": token,
        }
        return Response(MeSerializer(data).data)
