"""The project's URLs plus two views the headers are tested on: a crash and an inline block."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

INLINE_SCRIPT = engines["django"].from_string(
    '<script nonce="{{ request.csp_nonce }}">document.title = "inline";</script>'
)


def crash(request):
    raise RuntimeError("an unexpected failure")


def inline_script(request):
    return HttpResponse(INLINE_SCRIPT.render({}, request))


urlpatterns = [
    path("panne/", crash),
    path("bloc-en-ligne/", inline_script),
    path("", include("pixorga.urls")),
]
