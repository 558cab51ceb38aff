"""What the campaign resources send, and the documentation of what they take.

The bodies are checked by the pages' own forms (`campaigns.forms`), so the API refuses
exactly what the pages refuse, with the same codes and sentences; these request
serializers only describe them in the OpenAPI schema.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import LANDING_TEXT_MAX_LENGTH, NAME_MAX_LENGTH, TITLE_MAX_LENGTH, Campaign
from ..selectors import STATUSES


class OwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=Campaign.Type.choices)
    code = serializers.CharField(help_text="The 9 characters the students type.")
    owner = OwnerSerializer()
    title = serializers.CharField()
    landing_text = serializers.CharField()
    external_id_label = serializers.CharField()
    external_id_type = serializers.CharField(help_text="EMAIL, TEXT, or empty.")
    multiple_sendings = serializers.BooleanField()
    target_division = serializers.CharField(help_text="The one class it is for, or empty.")
    created_at = serializers.DateTimeField()
    archived_at = serializers.DateTimeField(allow_null=True)
    participants_count = serializers.IntegerField(help_text="Students who joined.")
    shared_count = serializers.IntegerField(help_text="Students who sent their results.")
    student_url = serializers.SerializerMethodField(help_text="The direct link for students.")

    @extend_schema_field(serializers.URLField())
    def get_student_url(self, campaign: Campaign) -> str:
        return self.context["request"].build_absolute_uri(f"/parcours/{campaign.code}/")


class ClassSummarySerializer(serializers.Serializer):
    division = serializers.CharField()
    students = serializers.IntegerField()
    joined = serializers.IntegerField()
    shared = serializers.IntegerField()
    not_started = serializers.IntegerField(source="not_started_count")


class CampaignDetailSerializer(CampaignSerializer):
    classes = ClassSummarySerializer(
        many=True,
        allow_null=True,
        help_text="Per class, in the school's order (organisations that manage students).",
    )


# --- Request bodies (documentation; the forms check them) -------------------------------


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    type = serializers.ChoiceField(choices=Campaign.Type.choices)
    owner = serializers.IntegerField(
        required=False, help_text="A member's user id; the caller by default."
    )
    target_division = serializers.CharField(
        required=False, allow_blank=True, help_text="Only the students of this class."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX_LENGTH)
    landing_text = serializers.CharField(
        required=False, allow_blank=True, max_length=LANDING_TEXT_MAX_LENGTH
    )
    external_id_label = serializers.CharField(required=False, allow_blank=True, max_length=255)
    external_id_type = serializers.ChoiceField(
        choices=["", *Campaign.ExternalIdType.values],
        required=False,
        help_text="Required with external_id_label.",
    )
    multiple_sendings = serializers.BooleanField(required=False, default=False)


class CampaignPerClassSerializer(CampaignCreateSerializer):
    target_division = None
    divisions = serializers.ListField(
        child=serializers.CharField(), help_text="The classes, each gets its own campaign."
    )


class CampaignUpdateSerializer(serializers.Serializer):
    """Only the fields given change; type and class are fixed at creation."""

    name = serializers.CharField(required=False, max_length=NAME_MAX_LENGTH)
    owner = serializers.IntegerField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX_LENGTH)
    landing_text = serializers.CharField(
        required=False, allow_blank=True, max_length=LANDING_TEXT_MAX_LENGTH
    )
    external_id_label = serializers.CharField(required=False, allow_blank=True, max_length=255)
    external_id_type = serializers.ChoiceField(
        choices=["", *Campaign.ExternalIdType.values], required=False
    )
    multiple_sendings = serializers.BooleanField(
        required=False, help_text="Cannot change once a student has joined."
    )


# --- Query strings ----------------------------------------------------------------------


class CampaignQuerySerializer(serializers.Serializer):
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only the caller's campaigns."
    )
    owner = serializers.IntegerField(required=False, help_text="Only this member's campaigns.")
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    archived = serializers.BooleanField(
        required=False, default=False, help_text="Archived campaigns instead of active ones."
    )


class ParticipantQuerySerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Names or INE."
    )
    division = serializers.CharField(required=False, allow_blank=True, max_length=64)
    status = serializers.ChoiceField(choices=[str(status) for status in STATUSES], required=False)


class ParticipantLearnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ine = serializers.CharField()
    last_name = serializers.CharField(source="display_last_name")
    first_name = serializers.CharField()
    division = serializers.CharField()


class ParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The participation's id.")
    learner = ParticipantLearnerSerializer()
    status = serializers.ChoiceField(choices=[str(status) for status in STATUSES])
    external_id = serializers.CharField()
    started_at = serializers.DateTimeField(source="created_at")
    shared_at = serializers.DateTimeField(allow_null=True)
