"""The identity the GAR vouches for, once a SAML response has been validated.

This is the contract between the service provider (accounts/gar/, which builds it from a
validated assertion) and what happens after (campaigns/gar/arrival.py, which signs the
person in or starts a first arrival). Plain data, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

STUDENT_PROFILE = "National_elv"


@dataclass(frozen=True)
class GarIdentity:
    ido: str  # opaque GAR id, non-empty, single-valued
    first_name: str  # PRE
    last_name: str  # NOM
    uai: str  # UAI ('' when absent), upper-cased, trimmed (first value)
    profile: str  # PRO, e.g. 'National_elv', 'National_ens', 'National_doc' ('' when absent)
    divisions: tuple[str, ...]  # DIV values (may be empty)
    # Every UAI sent (staff of several schools), upper-cased, `uai` first; () when absent.
    uais: tuple[str, ...] = ()

    @property
    def schools(self) -> tuple[str, ...]:
        """The UAIs to look for a team member's school in."""
        return self.uais or ((self.uai,) if self.uai else ())

    @property
    def is_student(self) -> bool:
        return self.profile == STUDENT_PROFILE
