"""Sign-ins shown masked: enough for their owner to recognise them, useless to anyone
else. The students' refusals (`campaigns.join_errors`) and the student list (a teacher
sees a student's e-mail address masked, `students/views.py`) use them."""

import re

_TRAILING_DIGITS = re.compile(r"^(.*?)([0-9][0-9-]*)$")


def mask_email(email: str) -> str:
    """jean.dupont@exemple.fr → j***@e***.fr: enough to recognise one's own address."""
    local, _at, domain = email.partition("@")
    host, _dot, suffix = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{suffix}" if host else f"{local[:1]}***@***"


def mask_identifier(identifier: str) -> str:
    """jean.dupont0512 → j***.d***0512: the initials and the day and month of birth, which
    the student recognises and a stranger cannot use."""
    found = _TRAILING_DIGITS.match(identifier)
    head, digits = (found.group(1), found.group(2)) if found else (identifier, "")
    parts = head.split(".")
    return ".".join(f"{part[:1]}***" for part in parts) + digits
