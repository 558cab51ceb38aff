"""The Élèves pages that help students' accounts (administrators; a member gets 403,
someone of another school 404, as for a missing id):

- identifiers and one-time passwords, for one student (`/eleves/<id>/mot-de-passe/`) or a
  class (`/eleves/mots-de-passe/?classe=4A`), in schools that import from SIECLE only (the
  others' students join with their own accounts; elsewhere the "import unavailable"
  page, and no link to it): a confirmation (GET: who will get one, who won't and why),
  then the generation (POST), whose answer is the only place the passwords ever are: the
  cards to print and the CSV, never cached;
- undoing a wrong link (`/eleves/<id>/dissocier/`), in any school (a wrong account can
  join wherever students join): a confirmation naming the student, the account and its
  participations for the student (which the change deletes), then the change (POST).

The CSV is a `data:` link inside that one answer (the file's bytes, base64): nothing is
kept on the server to download later, so there is no stored clear password, no token to
guess and no expiry to get wrong; a class of 35 is a few kilobytes. The browser saves it
under its `download` name (a navigation to a data: URL would be blocked, a download is
not; the Content-Security-Policy governs what a page loads, not what it saves).
"""

from __future__ import annotations

import base64
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from organizations.permissions import org_view
from pixorga.errors import AppError
from pixorga.spreadsheet import csv_lines

from . import services
from .guards import learner_get_for_admin, organization_check_can_import
from .limits import OneTimePasswordLimitError, OneTimePasswordLimitUnavailableError
from .models import Learner
from .selectors import (
    PasswordRefusal,
    learner_divisions,
    learner_list_for_passwords,
    learner_password_plan,
)
from .views import sign_in_shown

REFUSAL_REASONS = {
    PasswordRefusal.DISABLED: gettext_lazy("no longer in your student list"),
    PasswordRefusal.EMAIL: gettext_lazy(
        "the account signs in with an e-mail address: the student resets their password "
        "from the sign-in page"
    ),
    PasswordRefusal.ENT: gettext_lazy("the account signs in through the ENT: no password to give"),
    PasswordRefusal.OTHER_SCHOOL: gettext_lazy("the account is also linked in another school"),
    PasswordRefusal.TEAM_MEMBER: gettext_lazy("the account belongs to a member of a school's team"),
    PasswordRefusal.INCOMPLETE: gettext_lazy("no birth date to make an identifier from"),
    PasswordRefusal.SAME_INE_ELSEWHERE: gettext_lazy(
        "already has an account in another school (same INE): the student signs in with it"
    ),
    PasswordRefusal.STAFF: gettext_lazy("the account belongs to the platform's staff"),
}


@never_cache
@require_http_methods(["GET", "POST"])
@org_view(get=learner_get_for_admin, check=organization_check_can_import)
def learner_password(request: HttpRequest, learner: Learner) -> HttpResponse:
    """One student's identifier and one-time password, from their page."""
    context = {
        "learner": learner,
        "cancel_url": reverse("students:learner_detail", args=[learner.pk]),
    }
    return _passwords(request, [learner], division=learner.division, context=context)


@never_cache
@require_http_methods(["GET", "POST"])
@org_view(role="ADMIN", check=organization_check_can_import)
def class_passwords(request: HttpRequest) -> HttpResponse:
    """A class's identifiers and one-time passwords, from the list filtered on it. The
    class is named in the query string (GET) or the form (POST); one the list does not
    have is 404."""
    division = (request.POST if request.method == "POST" else request.GET).get("classe", "")
    if division not in learner_divisions(organization=request.organization):
        raise Http404
    learners = list(
        learner_list_for_passwords(organization=request.organization, division=division)
    )
    context = {"cancel_url": reverse("students:list") + "?classe=" + quote(division, safe="")}
    return _passwords(request, learners, division=division, context=context)


def _passwords(
    request: HttpRequest, learners: list[Learner], *, division: str, context: dict
) -> HttpResponse:
    organization = request.organization
    context |= {"division": division, "learner_count": len(learners)}
    status = 200
    if request.method == "POST":
        try:
            result = services.learner_passwords_generate(
                actor=request.user,
                organization=organization,
                learner_ids=[learner.pk for learner in learners],
                division=division,
            )
        except (
            services.NoPasswordToGenerateError,
            OneTimePasswordLimitError,
            OneTimePasswordLimitUnavailableError,
        ) as error:
            context["error"] = error
            status = error.status
        else:
            return _result(request, result, division=division, context=context)
    plan = learner_password_plan(organization=organization, learners=learners)
    for row in plan:
        sign_in_shown(row.learner, is_admin=True)
    context |= {
        "getting": [row for row in plan if row.action is not None],
        "refused": [(row, REFUSAL_REASONS[row.reason]) for row in plan if row.action is None],
    }
    return render(request, "students/passwords_confirm.html", context, status=status)


def _result(
    request: HttpRequest, result: services.GeneratedPasswords, *, division: str, context: dict
) -> HttpResponse:
    """The answer that shows the passwords, once: cards to print and the CSV (a data:
    link). `never_cache` on the views makes it `Cache-Control: no-store`."""
    header = [
        pgettext("export column", "Class"),
        pgettext("export column", "Last name"),
        pgettext("export column", "First name"),
        pgettext("export column", "Identifier"),
        pgettext("export column", "Password"),
    ]
    rows = [
        [
            issued.learner.division,
            issued.learner.display_last_name,
            issued.learner.first_name,
            issued.identifier,
            issued.password,
        ]
        for issued in result.issued
    ]
    csv_bytes = "".join(csv_lines(header, rows)).encode("utf-8")
    context |= {
        "issued": result.issued,
        "refused": [(row, REFUSAL_REASONS[row.reason]) for row in result.refused],
        "sign_in_url": request.build_absolute_uri(reverse("account_login")),
        "csv_href": "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv_bytes).decode(),
        "csv_name": _("passwords-%(division)s.csv") % {"division": _file_part(division)},
    }
    return render(request, "students/passwords_result.html", context)


def _file_part(value: str) -> str:
    kept = "".join(char if char.isalnum() or char in "-_" else "_" for char in value)
    return kept.strip("_")[:40] or "eleves"


@require_http_methods(["GET", "POST"])
@org_view(get=learner_get_for_admin)
def learner_dissociate_view(request: HttpRequest, learner: Learner) -> HttpResponse:
    """Undo a wrong link: a confirmation naming the student, the account and that
    account's participations for the student, which the change deletes (GET), then the
    change (POST). A learner no longer linked: the page says so (409).

    The change and the list are the campaigns' (participations): imported at call time
    only, as `views.learner_detail` does, so that loading `students` never loads
    `campaigns` (which is built on it)."""
    from campaigns.selectors import participation_list_for_account
    from campaigns.services import learner_dissociate

    detail_url = reverse("students:learner_detail", args=[learner.pk])
    status = 200
    error: AppError | None = None
    if request.method == "POST":
        try:
            learner_dissociate(actor=request.user, learner=learner)
        except services.LearnerNotLinkedError as refused:
            error, status = refused, refused.status
        else:
            messages.success(
                request,
                _(
                    "The account is no longer linked to this student, and its participations "
                    "for them were deleted. The student can join the campaigns again with "
                    "their own account."
                ),
            )
            return redirect(detail_url)
    if learner.user is None and error is None:
        error, status = services.LearnerNotLinkedError(), 409
    participations = []
    if error is None:
        participations = list(
            participation_list_for_account(learner=learner, user_id=learner.user_id)
        )
    sign_in_shown(learner, is_admin=True)
    return render(
        request,
        "students/learner_dissociate.html",
        {
            "learner": learner,
            "error": error,
            "detail_url": detail_url,
            "participations": participations,
        },
        status=status,
    )
