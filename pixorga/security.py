"""Content-Security-Policy and Permissions-Policy on every response (Django 5.2 has no CSP).

Scripts and styles come from our own origin only: our static files and DSFR's, which
django-dsfr ships as static files (no CDN). Nothing inline runs: no `<script>` body, no
`<style>` block, no `style="…"` attribute, no `on…=` handler. A template that truly needs an
inline block gives it the request's nonce: `<script nonce="{{ request.csp_nonce }}">`;
attributes (`style=`, `onclick=`) cannot carry one: use a class or a static script instead.

`'self'` rather than `/static/` paths: the back office loads its translations from a view
(`/backoffice/jsi18n/`), and none of our other URLs can serve a script (JSON answers and
uploads are not JavaScript, and `X-Content-Type-Options: nosniff` makes the browser refuse
them as scripts).
"""

import secrets

# The data: images are DSFR's icons, inlined as data URLs in its CSS.
POLICY = (
    "default-src 'self'",
    "script-src 'self' 'nonce-{nonce}'",
    "style-src 'self' 'nonce-{nonce}'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)

# No page of ours uses the camera, the microphone, the position or the other devices and
# sensors: a script that found its way in could not ask for them either. Only features that
# browsers recognise (an unknown one is reported as an error in the console).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def content_security_policy(nonce: str) -> str:
    return "; ".join(POLICY).format(nonce=nonce)


class SecurityHeadersMiddleware:
    """Sets both headers on every answer: pages, JSON, redirects, error pages, back office.

    Placed right after Django's SecurityMiddleware, it wraps everything else, so that the
    answers of other middleware (WhiteNoise's static files, the 413 of the body limit, a
    400 for an unknown host) get the headers too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A fresh nonce per answer: one seen in a page is worth nothing for the next one.
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers["Content-Security-Policy"] = content_security_policy(request.csp_nonce)
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        return response
