"""The refusals of the GAR's sign-in, each a code of its own shown on its page.

A forged, replayed or stale answer is refused with a sentence for the person (who most
likely only needs to open the resource from their ENT again) and a code for support.
None names the person: the logs carry the code only.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pixorga.errors import AppError

_AGAIN = _("Go back to your ENT and open Pix Orga from it again.")


class GarError(AppError):
    status = 403
    title = _("Sign-in through your ENT failed")
    # What the person can do, after the sentence saying what went wrong.
    advice = _AGAIN

    @property
    def message(self) -> str:
        return f"{super().message} {self.advice}" if self.advice else super().message


class GarUnavailableError(GarError):
    code = "GAR_UNAVAILABLE"
    status = 404
    title = _("Sign-in through the ENT is not available")
    default_message = _(
        "This site is not set up to receive people from the ENT (GAR). Sign in with your "
        "e-mail address or identifier instead."
    )
    advice = ""


class GarResponseMissingError(GarError):
    code = "GAR_RESPONSE_MISSING"
    status = 400
    default_message = _("Your ENT's answer did not reach us whole.")


class GarResponseInvalidError(GarError):
    code = "GAR_RESPONSE_INVALID"
    default_message = _("Your ENT's answer could not be checked: it is not the one we expected.")


class GarSignatureInvalidError(GarError):
    code = "GAR_SIGNATURE_INVALID"
    default_message = _("Your ENT's answer is not signed by the GAR.")


class GarResponseExpiredError(GarError):
    code = "GAR_RESPONSE_EXPIRED"
    default_message = _("Your ENT's answer is out of date (or your computer's clock is wrong).")


class GarResponseReplayedError(GarError):
    code = "GAR_RESPONSE_REPLAYED"
    default_message = _("This answer from your ENT has already been used.")


class GarRequestUnknownError(GarError):
    code = "GAR_REQUEST_UNKNOWN"
    default_message = _("This answer from your ENT does not follow a sign-in started here.")


class GarRequestExpiredError(GarError):
    code = "GAR_REQUEST_EXPIRED"
    default_message = _("The sign-in took too long and has expired.")


class GarAuthenticationFailedError(GarError):
    code = "GAR_AUTHENTICATION_FAILED"
    default_message = _("Your ENT did not confirm who you are.")


class GarAttributeMissingError(GarError):
    code = "GAR_ATTRIBUTE_MISSING"
    default_message = _(
        "Your ENT did not send everything we need (%(attribute)s). Ask your school's ENT "
        "administrator to check Pix Orga's settings in the GAR."
    )
    advice = ""


class GarAttributeMultivaluedError(GarError):
    code = "GAR_ATTRIBUTE_MULTIVALUED"
    default_message = _(
        "Your ENT sent several values where one was expected (%(attribute)s). Ask your "
        "school's ENT administrator to check Pix Orga's settings in the GAR."
    )
    advice = ""


class GarBrowserMismatchError(GarError):
    code = "GAR_BROWSER_MISMATCH"
    default_message = _(
        "This answer from your ENT does not follow a sign-in started in this browser (it may "
        "have been sent to you by someone else)."
    )
