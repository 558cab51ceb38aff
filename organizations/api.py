"""`/api/v1/me/` and the team's members (`organizations/<id>/members/`).

`me`: the person calling, their organisations and their role in each. Like the account
pages, it needs no organisation and no acceptance of the terms of use (it says whether
they are accepted, so that a script can tell its owner). Called with a token, it shows
only the token's organisation, with the role the token acts with now.

Members, as on the team page (`organizations/team_views.py`): every member lists them
(administrators also see each one's last visit); an administrator changes a role or
removes a member (`membership_get_for_admin`, then `membership_change_role` /
`membership_remove`; one's own membership is left, `membership_leave`, as the page does).
The last administrator cannot be demoted, removed or leave (409 `LAST_ADMINISTRATOR`).
The pending invitations are `invitations/api.py`'s.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pixorga.api.schema import error
from pixorga.api.views import GuardedAPIView

from .guards import check_token_scope, membership_get_for_admin, organization_get_for_member
from .models import ApiToken, Membership, Organization
from .selectors import (
    MAX_SEARCH_WORDS,
    cgu_state_for_user,
    membership_list_for_organization,
    membership_list_for_user,
)
from .services import membership_change_role, membership_leave, membership_remove


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


# --- Members ------------------------------------------------------------------------------


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField(allow_null=True)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The membership's id.")
    user = MemberUserSerializer()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    joined_at = serializers.DateTimeField(source="created_at")
    last_seen_at = serializers.SerializerMethodField(
        help_text="The last visit (to the hour), for administrators only (null otherwise)."
    )

    def get_last_seen_at(self, membership: Membership) -> str | None:
        if not self.context.get("is_admin") or membership.last_seen_at is None:
            return None
        return serializers.DateTimeField().to_representation(membership.last_seen_at)


class MemberQuerySerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=f"Words found in the last name, first name or e-mail (at most "
        f"{MAX_SEARCH_WORDS} words).",
    )


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


MEMBER_CONFLICT = error(
    "LAST_ADMINISTRATOR (the organisation must keep an administrator), "
    "MEMBERSHIP_NOT_ACTIVE (the membership ended meanwhile)."
)


class MemberList(GuardedAPIView):
    guards = {"GET": organization_get_for_member}

    @extend_schema(
        operation_id="members_list",
        summary="The organisation's members, by name (the team page)",
        parameters=[MemberQuerySerializer],
        responses={200: MemberSerializer(many=True)},
        tags=["team"],
    )
    def get(self, request: Request, **kwargs) -> Response:
        query = MemberQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        members = membership_list_for_organization(
            organization_id=self.membership.organization_id,
            search=" ".join(query.validated_data.get("search", "").split()),
        )
        context = {"is_admin": self.membership.is_admin}
        return Response(MemberSerializer(members, many=True, context=context).data)


class MemberDetail(GuardedAPIView):
    guards = {"PATCH": membership_get_for_admin, "DELETE": membership_get_for_admin}

    @extend_schema(
        operation_id="members_change_role",
        summary="Give a member another role (administrators)",
        request=MemberRoleSerializer,
        responses={200: MemberSerializer, 409: MEMBER_CONFLICT},
        tags=["team"],
    )
    def patch(self, request: Request, **kwargs) -> Response:
        body = MemberRoleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = membership_change_role(
            actor=request.user, membership=self.object, role=body.validated_data["role"]
        )
        return Response(MemberSerializer(membership, context={"is_admin": True}).data)

    @extend_schema(
        operation_id="members_remove",
        summary="Remove a member (administrators); one's own membership: leave",
        responses={
            204: OpenApiResponse(description="The membership has ended."),
            409: MEMBER_CONFLICT,
        },
        tags=["team"],
    )
    def delete(self, request: Request, **kwargs) -> Response:
        if self.object.pk == self.membership.pk:
            # One's own membership is left (recorded as such), as the page does; the
            # token it was called with dies with it.
            membership_leave(user=request.user, membership=self.object)
        else:
            membership_remove(actor=request.user, membership=self.object)
        return Response(status=204)
