"""`organizations/<id>/learners/`: the student list with the page's filters, and one
student with their participations.

The list is the page's (`students.selectors.learner_list`: active students, search by
name or INE without accents, classes, sort by name or by class), plus a filter on how a
student's linked account signs in, paged with a cursor on the list's unique order
(`SORT_KEYS`). A student's addresses are never sent: whether their account signs in
with an e-mail or an identifier, and the identifier (printed on class sheets).
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.guards import organization_get_for_member
from pixorga.api.pagination import PageQuerySerializer, keyset_page, page_serializer
from pixorga.api.views import GuardedAPIView

from ..guards import learner_get_for_member
from ..models import Learner
from ..selectors import SIGN_IN_METHODS, SORT_KEYS, learner_divisions, learner_list


class LearnerQuerySerializer(PageQuerySerializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words found in the names or the INE, without case or accents.",
    )
    division = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=100,
        help_text="Only these classes (repeat the parameter: `division=4A&division=4B`).",
    )
    sign_in = serializers.ChoiceField(
        choices=SIGN_IN_METHODS,
        required=False,
        help_text="`none`: no account linked yet; `identifier`: an account with an "
        "identifier only; `email`: an account with an e-mail address; `ent`: an account "
        "that signs in through the ENT (the school's digital workspace).",
    )
    sort = serializers.ChoiceField(
        choices=list(SORT_KEYS),
        required=False,
        default="name",
        help_text="`name` (last name, first name, French order) or `class` (the "
        "school's order of classes, then name).",
    )


class AccountSerializer(serializers.Serializer):
    sign_in = serializers.ChoiceField(choices=[m for m in SIGN_IN_METHODS if m != "none"])
    identifier = serializers.CharField(allow_null=True, source="username")


def _account(learner: Learner) -> dict | None:
    user = learner.user
    if user is None:
        return None
    # `sign_in` is annotated by the selector and the guarded lookup (learner_sign_in).
    return {"sign_in": learner.sign_in, "username": user.username}


class LearnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ine = serializers.CharField()
    last_name = serializers.CharField()
    preferred_last_name = serializers.CharField()
    first_name = serializers.CharField()
    middle_name = serializers.CharField()
    third_name = serializers.CharField()
    birthdate = serializers.DateField()
    sex = serializers.ChoiceField(choices=Learner.Sex.choices)
    division = serializers.CharField(help_text="The class (empty when none).")
    mef_code = serializers.CharField()
    disabled = serializers.BooleanField(help_text="No longer in the school's last import.")
    account = serializers.SerializerMethodField()

    @extend_schema_field(AccountSerializer(allow_null=True))
    def get_account(self, learner: Learner) -> dict | None:
        account = _account(learner)
        return AccountSerializer(account).data if account else None


class ParticipationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign_id = serializers.IntegerField()
    campaign_name = serializers.CharField(source="campaign.name")
    campaign_code = serializers.CharField(source="campaign.code")
    status = serializers.ChoiceField(choices=["STARTED", "SHARED"])
    started_at = serializers.DateTimeField(source="created_at")
    shared_at = serializers.DateTimeField(allow_null=True)
    is_improved = serializers.BooleanField(help_text="Replaced by a newer sending.")


class LearnerDetailSerializer(LearnerSerializer):
    participations = ParticipationSerializer(many=True, source="participations_shown")


LearnerPageSerializer = page_serializer(LearnerSerializer, "LearnerPage")


class LearnerList(GuardedAPIView):
    guards = {"GET": organization_get_for_member}

    @extend_schema(
        operation_id="learners_list",
        summary="The organisation's active students",
        parameters=[LearnerQuerySerializer],
        responses={200: LearnerPageSerializer},
        tags=["learners"],
    )
    def get(self, request: Request, **kwargs) -> Response:
        query = LearnerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        sort = filters["sort"]
        organization = self.membership.organization
        learners: QuerySet[Learner] = learner_list(
            organization=organization,
            search=filters.get("search", ""),
            divisions=filters.get("division", []),
            sort=sort,
            sign_in=filters.get("sign_in", ""),
            division_order=learner_divisions(organization=organization)
            if sort == "class"
            else None,
        )
        page = keyset_page(
            request,
            learners,
            keys=SORT_KEYS[sort],
            sort=f"learners:{sort}",
            serialize=lambda rows: LearnerSerializer(rows, many=True).data,
            query=filters,
        )
        return Response(page)


class LearnerDetail(GuardedAPIView):
    guards = {"GET": learner_get_for_member}

    @extend_schema(
        operation_id="learners_retrieve",
        summary="A student (active or disabled) and their participations",
        responses={200: LearnerDetailSerializer},
        tags=["learners"],
    )
    def get(self, request: Request, **kwargs) -> Response:
        # The participations are the campaigns' data: imported here only, so that loading
        # `students` never loads `campaigns` (as students.views.learner_detail does).
        from campaigns.selectors import participation_list_for_learner

        learner = self.object
        learner.participations_shown = participation_list_for_learner(learner=learner)
        return Response(LearnerDetailSerializer(learner).data)
