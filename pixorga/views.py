from django.shortcuts import redirect, render

from organizations.current import resolve_current_membership


def home(request):
    """Members land on their organisation's space; a signed-in person of no organisation
    is told how access works; anonymous people see how to start."""
    if request.user.is_authenticated:
        if resolve_current_membership(request) is not None:
            return redirect("campaigns:list")
        return render(request, "organizations/no_organization.html")
    return render(request, "home.html")


# The legal pages every French public service publishes, linked from the footer.
def legal_notice(request):
    return render(request, "pages/legal_notice.html")


def personal_data(request):
    return render(request, "pages/personal_data.html")


def accessibility(request):
    return render(request, "pages/accessibility.html")
