from django.shortcuts import render

from organizations.permissions import org_view


@org_view()
def campaign_list(request):
    # The organisation space's landing page; campaigns themselves come with their issue.
    return render(request, "campaigns/list.html", {"campaigns": []})
