"""What the service provider hands to the arrival flow besides the identity.

The campaign being joined when the sign-in started (`/gar/login/?campagne=CODE`) is
stored with the outstanding request (SamlRequest), never in a URL or the RelayState.
Once the answer is accepted, /gar/acs/ puts it in the (new) session under this key
before calling `campaigns.gar.arrival.gar_arrive(request, identity)`, which reads it with
`joining_campaign_code(request)` to send the person on to that campaign. Django's login()
keeps a new anonymous session's data (it cycles the key), so it survives the sign-in.
"""

from __future__ import annotations

from django.http import HttpRequest

CAMPAIGN_SESSION_KEY = "gar_campaign_code"


def remember_joining_campaign(request: HttpRequest, code: str) -> None:
    if code:
        request.session[CAMPAIGN_SESSION_KEY] = code
    else:
        request.session.pop(CAMPAIGN_SESSION_KEY, None)


def joining_campaign_code(request: HttpRequest) -> str:
    """The code of the (open, when the sign-in started) campaign being joined, or ''."""
    return request.session.get(CAMPAIGN_SESSION_KEY, "")
