"""Back office: platform staff look at learners and imports (they are written by imports).

Everything is read-only. An import's status only changes through students.services; a
learner's linked account carries the reconciliation rules (one account per learner of a
school, the R3x/R70/R90 refusals), so it changes only through the services that apply
them, never by hand here. Nothing is deleted here:
learners are disabled by imports, never deleted (their history and account link stay),
and deleting an import would leave its stored files behind with nothing to clean them.
"""

from django.contrib import admin

from .models import Import, Learner


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "ine",
        "division",
        "organization",
        "disabled",
        "user",
    ]
    # Source: from the school's SIECLE list, or made from a student's account at a join.
    list_filter = ["disabled", "source"]
    search_fields = ["ine", "search_name", "organization__name", "organization__uai"]
    list_select_related = ["organization", "user"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Learner._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organization", "file_name", "status", "progress", "created_by"]
    list_filter = ["status"]
    search_fields = ["organization__name", "organization__uai", "file_name", "file_sha256"]
    list_select_related = ["organization", "created_by"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Import._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
