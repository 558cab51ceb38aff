from django.contrib import admin

from .models import Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at", "disabled_at"]
    readonly_fields = ["created_at"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "uai", "official_email", "is_managing_students", "archived_at"]
    list_filter = ["type", "is_managing_students", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "uai", "official_email"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

    def get_changeform_initial_data(self, request):
        # Most organisations are secondary schools, which manage their students.
        return {"type": Organization.Type.SCO, "is_managing_students": True}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at", "disabled_at"]
    list_filter = ["role", ("disabled_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__username", "organization__name", "organization__uai"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]
