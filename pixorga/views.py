from django.shortcuts import redirect, render

from organizations.current import resolve_current_membership


def home(request):
    """Members land on their organisation's space; anonymous people see how to start."""
    if request.user.is_authenticated and resolve_current_membership(request) is not None:
        return redirect("campaigns:list")
    return render(request, "home.html")
