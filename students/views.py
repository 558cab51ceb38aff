"""The Élèves pages: the student list, the import page, one import and its live state.

Every view goes through `org_view`. The import pages are for administrators of an
organisation that imports from SIECLE. A URL naming an import goes through the guarded
lookup `import_get_for_admin` (`students/guards.py`), which hands the view the import:
someone who is not an active member of its organisation gets 404, as for a missing id; a
closed space, the "space closed" page; a member who is not an administrator, 403; an
organisation that does not import, the "import unavailable" page; only then does it
become their current organisation (the JSON polled by the live panel never switches).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.masking import mask_email
from organizations.permissions import org_view

from . import services
from .forms import SIGN_IN_LABELS, SIGN_IN_PARAMETERS, ImportUploadForm, LearnerFilterForm
from .guards import import_get_for_admin, learner_get_for_member, organization_check_can_import
from .models import Import, Learner
from .selectors import (
    import_latest,
    import_list,
    learner_divisions,
    learner_list,
    learner_matched_first_names,
)

PAGE_SIZE = 50


@require_GET
@org_view()
def learner_list_view(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    divisions = learner_divisions(organization=organization)
    form = LearnerFilterForm(request.GET, divisions=divisions)
    filters = form.filters()
    learners = learner_list(
        organization=organization,
        search=filters["search"],
        divisions=filters["divisions"],
        sort=filters["sort"],
        division_order=divisions,
        sign_in=filters["sign_in"],
    )
    page = Paginator(learners, PAGE_SIZE).get_page(_page_number(request.GET.get("page")))
    is_admin = request.membership.is_admin
    for learner in page.object_list:
        learner.matched_first_names = learner_matched_first_names(
            learner=learner, search=filters["search"]
        )
        sign_in_shown(learner, is_admin=is_admin)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "students/learner_list.html",
        {
            "page": page,
            "form": form,
            "divisions": divisions,
            "selected_divisions": filters["divisions"],
            # At most a few, shortened: they come from the query string as typed.
            "unknown_divisions": [value[:64] for value in filters["unknown_divisions"][:5]],
            "search": filters["search"],
            "sort": filters["sort"],
            "sign_in_choices": [
                (value, SIGN_IN_LABELS[method]) for value, method in SIGN_IN_PARAMETERS.items()
            ],
            "selected_sign_ins": [
                value
                for value, method in SIGN_IN_PARAMETERS.items()
                if method in filters["sign_in"]
            ],
            # One class chosen: its students can get identifiers and one-time passwords.
            # (administrators of a school that imports from SIECLE, as the pages check).
            "password_division": filters["divisions"][0]
            if is_admin and organization.can_import_from_siecle and len(filters["divisions"]) == 1
            else "",
            "is_filtered": bool(filters["search"] or filters["divisions"] or filters["sign_in"]),
            "query_string": query.urlencode(),
            # Clearing the filters keeps the sort the person chose.
            "clear_url": reverse("students:list")
            + ("?tri=classe" if filters["sort"] == "class" else ""),
            "can_import": request.membership.is_admin and organization.can_import_from_siecle,
        },
    )


def sign_in_shown(learner: Learner, *, is_admin: bool) -> Learner:
    """How the student signs in, for the pages (`learner.sign_in`, annotated by the
    selector or the guarded lookup): `sign_in_label`, and `sign_in_login`, the identifier
    or the e-mail address.

    The identifier is shown whole to every member: it is printed on the class sheets,
    and a teacher reads it out to a pupil who forgot it. The e-mail address is personal
    data of a minor that a teacher does not need: members see it masked (j***@e***.fr,
    enough to recognise it), administrators whole, since they are the ones who undo a
    wrong link and must tell the account apart."""
    method = getattr(learner, "sign_in", "none")
    learner.sign_in_label = SIGN_IN_LABELS.get(method, "")
    user = learner.user
    if method == "email":
        learner.sign_in_login = user.email if is_admin else mask_email(user.email)
    elif method == "identifier":
        learner.sign_in_login = user.username
    else:
        learner.sign_in_login = ""
    return learner


def _page_number(value: str | None) -> int:
    """The page asked for; 0, a negative or a non-number is the first page (Paginator
    would show the last one for 0). Past the end, `get_page` shows the last one."""
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


@require_http_methods(["GET", "POST"])
@org_view(role="ADMIN", check=organization_check_can_import)
def import_page(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    max_bytes = services.web_reader_limits().max_upload_bytes
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, max_bytes=max_bytes)
    else:
        form = ImportUploadForm(max_bytes=max_bytes)
    if form.is_bound and form.is_valid():
        import_ = services.import_upload(
            organization=organization, user=request.user, uploaded_file=form.cleaned_data["file"]
        )
        return redirect("students:import_detail", import_id=import_.pk)
    latest = import_latest(organization=organization)
    pending = latest if latest is not None and not latest.is_final else None
    return render(
        request,
        "students/import_page.html",
        {
            "form": form,
            "imports": import_list(organization=organization),
            # The newest import, while it runs or waits for a confirmation: its live panel.
            "pending": pending,
            "panel": _panel_context(pending) if pending else None,
        },
    )


def _panel_context(import_: Import) -> dict:
    preview = import_.preview or {}
    report = services.import_error_report(import_=import_)
    return {
        "import": import_,
        # The errors grouped by code (the first ones stored, every one counted), with the
        # advice that fits them; false when there is none.
        "errors": report,
        # Errors to correct in SIECLE or in the file, rather than an import to start again.
        "file_errors": report.in_the_file,
        "preview": preview,
        "skipped": (import_.counts or preview).get("skipped", {}),
        # A newer upload replaced it: the panel links to that one and offers no button.
        "replaced_by": services.import_replaced_by(import_=import_),
    }


@require_GET
@org_view(get=import_get_for_admin)
def import_detail(request: HttpRequest, import_: Import) -> HttpResponse:
    return render(request, "students/import_detail.html", _panel_context(import_))


@never_cache
@require_GET
@org_view(get=import_get_for_admin, switch=False, as_json=True)
def import_state(request: HttpRequest, import_: Import) -> JsonResponse:
    """The live panel's poll: state, progress, counts, and the panel re-rendered (`html`)
    so that the page and the poll show the same. The errors and the skipped students'
    names are sent once, inside `html` (a file may have thousands of errors)."""
    context = _panel_context(import_)
    preview = {key: value for key, value in context["preview"].items() if key != "skipped_students"}
    return JsonResponse(
        {
            "id": import_.pk,
            "status": import_.status,
            "status_label": import_.get_status_display(),
            "running": import_.is_running,
            # Queued, no worker on it yet: the panel says so (and changes when one starts).
            "waiting": import_.is_waiting_for_worker,
            "progress": import_.progress,
            "counts": import_.counts,
            "preview": preview,
            "error_count": context["errors"].count,
            "error_counts": {group.code: group.count for group in context["errors"].groups},
            "html": render_to_string("students/_import_panel.html", context, request=request),
        }
    )


@never_cache
@require_GET
@org_view(get=import_get_for_admin)
def import_errors_csv(request: HttpRequest, import_: Import) -> FileResponse:
    """Every error of the import as CSV (written by the validation), while it is kept."""
    if not import_.errors_path:
        raise Http404
    try:
        stored = services.error_file_open(import_.errors_path)
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        stored,
        as_attachment=True,
        filename=_("errors-import-%(id)s.csv") % {"id": import_.pk},
        content_type="text/csv; charset=utf-8",
    )


@require_POST
@org_view(get=import_get_for_admin)
def import_confirm_view(request: HttpRequest, import_: Import) -> HttpResponse:
    # The panel's required checkbox, shown when the import would disable more than a fifth
    # of the list; the service refuses without it (the browser's own check is a
    # convenience, not the rule).
    ticked = request.POST.get("acknowledge_mass_deactivation") == "1"
    try:
        services.import_confirm(
            import_=import_, user=request.user, acknowledge_mass_deactivation=ticked
        )
    except services.ImportActionError as error:
        messages.error(request, error.message)
    return redirect(reverse("students:import_detail", args=[import_.pk]) + "#import-panel")


@require_POST
@org_view(get=import_get_for_admin)
def import_cancel_view(request: HttpRequest, import_: Import) -> HttpResponse:
    try:
        services.import_cancel(import_=import_, user=request.user)
    except services.ImportActionError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, _("The import was cancelled: your student list is unchanged."))
    return redirect("students:import_page")


@require_GET
@org_view(get=learner_get_for_member)
def learner_detail(request: HttpRequest, learner: Learner) -> HttpResponse:
    """One student and their participations. The participations are the campaigns' data:
    read through `campaigns.selectors`, imported here at call time only, so that loading
    `students` never loads `campaigns` (which is built on it)."""
    from campaigns.selectors import participation_list_for_learner

    is_admin = request.membership.is_admin
    sign_in_shown(learner, is_admin=is_admin)
    return render(
        request,
        "students/learner_detail.html",
        {
            "learner": learner,
            "participations": participation_list_for_learner(learner=learner),
            "is_admin": is_admin,
            # One-time passwords: for schools that import from SIECLE (the page checks it).
            "can_give_passwords": is_admin and learner.organization.can_import_from_siecle,
        },
    )
