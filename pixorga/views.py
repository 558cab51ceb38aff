from django.shortcuts import redirect, render

from campaigns.selectors import user_is_student
from organizations.current import resolve_current_membership


def home(request):
    """Members land on their organisation's space; a student (linked to a school's list,
    or who joined a campaign) on their campaigns; another signed-in person of no
    organisation is told how access works; anonymous people see how to start."""
    if request.user.is_authenticated:
        if resolve_current_membership(request) is not None:
            return redirect("campaigns:list")
        if user_is_student(user=request.user):
            return redirect("join:my_campaigns")
        return render(request, "organizations/no_organization.html")
    return render(request, "home.html")


# The legal pages every French public service publishes, linked from the footer.
def legal_notice(request):
    return render(request, "pages/legal_notice.html")


def personal_data(request):
    return render(request, "pages/personal_data.html")


def accessibility(request):
    return render(request, "pages/accessibility.html")
