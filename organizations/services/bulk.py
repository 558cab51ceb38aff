"""Creating organisations in bulk from the back office's CSV file (`bulk_csv`).

Each line goes through `organization_create`, so that it meets every rule a single
creation meets (UAI format and check letter, SCO's official e-mail) and is audited as
one. Lines are independent: a refused line is named with its reasons and the others are
created; an organisation that already exists (same UAI; without a UAI, same name and
type) is reported and left alone, so running the same file twice creates nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import User

from ..audit import Action, OnBehalfOf, audit_record
from ..bulk_csv import CsvLine
from ..models import Organization
from ..uai import normalize_uai
from .organizations import organization_create

CREATED, EXISTING, REFUSED = "CREATED", "EXISTING", "REFUSED"

_YES = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
_NO = {"non", "n", "no", "false", "faux", "0"}


@dataclass
class BulkLineResult:
    line: int
    name: str
    uai: str
    outcome: str = REFUSED
    reasons: list[str] = field(default_factory=list)
    organization: Organization | None = None


@transaction.atomic
def organization_bulk_create(*, actor: User, lines: list[CsvLine]) -> list[BulkLineResult]:
    """Create the organisations of a file's lines, as platform staff; one result per line,
    in the file's order. One transaction for the file (each line in its own savepoint),
    so that a crash half-way leaves nothing; the file as a whole is recorded too."""
    if not (actor.is_staff and actor.is_active):
        raise PermissionDenied("only platform staff create organisations")
    results = [
        BulkLineResult(
            line=line.number,
            name=line.values.get("name", ""),
            uai=normalize_uai(line.values.get("uai")),
            reasons=[line.error] if line.error else [],
        )
        for line in lines
    ]
    _mark_existing(results, lines)
    _mark_repeated_uais(results)
    for result, line in zip(results, lines, strict=True):
        if result.outcome == EXISTING or line.error:
            continue
        values = _values(line, result)
        if result.reasons:
            continue
        _create(result, values, actor=actor)
    audit_record(
        actor=actor,
        on_behalf_of=OnBehalfOf.STAFF,
        action=Action.ORGANIZATION_BULK_CREATED,
        details={
            "lines": len(results),
            "created": sum(r.outcome == CREATED for r in results),
            "existing": sum(r.outcome == EXISTING for r in results),
            "refused": sum(r.outcome == REFUSED for r in results),
        },
    )
    return results


def _mark_existing(results: list[BulkLineResult], lines: list[CsvLine]) -> None:
    """Two queries for the whole file: the UAIs already known, and the organisations
    without a UAI already known by name and type."""
    uais = {r.uai for r in results if r.uai and not r.reasons}
    by_uai = {o.uai: o for o in Organization.objects.filter(uai__in=uais)}
    names = {r.name.lower() for r, line in zip(results, lines, strict=True) if not r.uai and r.name}
    by_name = {
        (o.name.lower(), o.type): o
        for o in Organization.objects.annotate(lower_name=Lower("name")).filter(
            uai__isnull=True, lower_name__in=names
        )
    }
    for result, line in zip(results, lines, strict=True):
        if result.reasons:
            continue
        found = by_uai.get(result.uai) if result.uai else None
        if found is None and not result.uai:
            found = by_name.get((result.name.lower(), line.values.get("type", "").upper()))
        if found is not None:
            _existing(result, found)


def _existing(result: BulkLineResult, organization: Organization) -> None:
    result.outcome, result.organization = EXISTING, organization
    result.reasons = [_("Already exists: %(name)s. Left unchanged.") % {"name": organization}]


def _mark_repeated_uais(results: list[BulkLineResult]) -> None:
    """A UAI on several lines: none of them is created (which one is right?)."""
    lines_of = defaultdict(list)
    for result in results:
        if result.uai and result.outcome != EXISTING:
            lines_of[result.uai].append(result.line)
    for result in results:
        others = [n for n in lines_of.get(result.uai, []) if n != result.line]
        if result.uai and result.outcome != EXISTING and others:
            result.reasons.append(
                _("UAI %(uai)s is also on line %(lines)s of the file.")
                % {"uai": result.uai, "lines": ", ".join(map(str, others))}
            )


def _values(line: CsvLine, result: BulkLineResult) -> dict:
    """The line's values as `organization_create` takes them; problems go to reasons."""
    type_ = line.values.get("type", "").strip().upper()
    if not type_:
        result.reasons.append(
            _("The type is missing: the types are %(types)s.")
            % {"types": ", ".join(Organization.Type.values)}
        )
    elif type_ not in Organization.Type.values:
        result.reasons.append(
            _("Unknown type “%(type)s”: the types are %(types)s.")
            % {"type": line.values.get("type", ""), "types": ", ".join(Organization.Type.values)}
        )
    managing_text = line.values.get("managing_students", "").strip().lower()
    managing = None  # the default: true for SCO only
    if managing_text in _YES:
        managing = True
    elif managing_text in _NO:
        managing = False
    elif managing_text:
        result.reasons.append(
            _("“Manages its students” is “%(value)s”: write oui or non (or leave it empty).")
            % {"value": line.values.get("managing_students", "")}
        )
    return {
        "name": result.name,
        "type": type_,
        "uai": result.uai or None,
        "official_email": line.values.get("email", ""),
        "is_managing_students": managing,
    }


def _create(result: BulkLineResult, values: dict, *, actor: User) -> None:
    try:
        organization = organization_create(**values, actor=actor, on_behalf_of=OnBehalfOf.STAFF)
    except ValidationError as error:
        result.reasons.extend(_reasons(error))
    except IntegrityError:
        # The same UAI created meanwhile (another file, another staff member): the
        # savepoint of organization_create has been rolled back, the file goes on.
        found = Organization.objects.filter(uai=values["uai"]).first() if values["uai"] else None
        if found is None:
            raise
        _existing(result, found)
    else:
        result.outcome, result.organization = CREATED, organization


def _reasons(error: ValidationError) -> list[str]:
    reasons = []
    for name, messages in error.message_dict.items():
        try:
            label = capfirst(Organization._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a message for the whole row (NON_FIELD_ERRORS)
            label = ""
        reasons.extend(
            _("%(field)s: %(message)s") % {"field": label, "message": m} if label else m
            for m in messages
        )
    return reasons
