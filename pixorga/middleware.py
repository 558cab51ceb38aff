"""Request-level guards that must act before any view (or CSRF check) reads the body."""

from django.conf import settings
from django.shortcuts import render

from pixorga.errors import error_response
from students.siecle_messages import render_error


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than the largest upload we accept, before it is read.

    Django spools multipart uploads to disk as soon as anything reads request.POST (the
    CSRF check does, for every POST, signed in or not), and a form checks a file's size
    only once it is all there. Declared sizes are refused here; a body without a
    Content-Length (chunked) is not read by Django at all. Behind a reverse proxy, set its
    own body limit (e.g. nginx `client_max_body_size`) to the same figure. (Under ASGI,
    Django reads the body before any middleware: there, only the proxy's limit protects.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.MAX_REQUEST_BODY_BYTES
        if declared > limit:
            meta = {"limit": settings.SIECLE_MAX_UPLOAD_BYTES}
            message = render_error("PAYLOAD_TOO_LARGE", meta)
            # The rest of the body is left unread; the server closes the connection (a WSGI
            # application may not set Connection itself).
            if request.path_info.startswith("/api/"):
                # Scripts read the API's error shape, not a page.
                return error_response("PAYLOAD_TOO_LARGE", message, meta=meta, status=413)
            return render(request, "413.html", {"message": message}, status=413)
        return self.get_response(request)
