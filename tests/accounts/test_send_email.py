"""The e-mail task against real failures: a tiny SMTP server (in a thread) that refuses,
a port where nothing listens, a server that never answers, a broker that is down."""

import logging
import socket
import socketserver
import threading

import pytest
from celery import states

from accounts.tasks import enqueue_email, send_email
from pixorga.celery import app as celery_app
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

RECIPIENT = "eleve@college.example"
MESSAGE = {"to": [RECIPIENT], "subject": "Bonjour", "body": "Texte"}


class SMTPResponder(socketserver.StreamRequestHandler):
    """Just enough SMTP: greets, accepts the envelope, answers RCPT with `rcpt_reply`."""

    def handle(self):
        self.server.connections += 1
        self.reply("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 test")
            elif command.startswith("MAIL FROM"):
                self.reply("250 OK")
            elif command.startswith("RCPT TO"):
                self.reply(self.server.rcpt_reply)
            elif command.startswith("QUIT"):
                self.reply("221 Bye")
                return
            else:
                self.reply("503 Bad sequence")

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


class SilentServer(socketserver.BaseRequestHandler):
    """Accepts the connection and never says a word (an overloaded server)."""

    def handle(self):
        self.server.connections += 1
        self.request.recv(1024)


def serve(handler, **attributes):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.connections = 0
    for name, value in attributes.items():
        setattr(server, name, value)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(autouse=True)
def _eager_retries_do_not_raise():
    """Eager apply runs a task's retries at once, one inside the other; `throw=False`
    reaches only the first, so the retries must not propagate either."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 0.2
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    servers = []

    def start(handler=SMTPResponder, **attributes):
        server = serve(handler, **attributes)
        servers.append(server)
        smtp_settings.EMAIL_PORT = server.server_address[1]
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_recipient_refused_for_good_is_logged_and_not_retried(smtp_server, caplog):
    server = smtp_server(rcpt_reply="550 5.1.1 No such user")
    with caplog.at_level(logging.ERROR, logger="accounts.tasks"):
        result = send_email.apply(kwargs=MESSAGE, throw=False)
    assert result.state == states.SUCCESS
    assert server.connections == 1
    assert "refused by the SMTP server, not retried" in caplog.text
    # The address is personal data: the log carries a hash of it.
    assert RECIPIENT not in caplog.text


def test_a_recipient_refused_for_now_greylisting_is_retried(smtp_server):
    server = smtp_server(rcpt_reply="450 4.2.0 Greylisted, try again later")
    # Eager apply runs the retries at once; the last failure is the task's outcome.
    result = send_email.apply(kwargs=MESSAGE, throw=False)
    assert result.state == states.FAILURE
    assert server.connections == 1 + send_email.max_retries


def test_the_task_is_retried_when_nothing_listens_on_the_smtp_port(smtp_settings, caplog):
    smtp_settings.EMAIL_PORT = free_port()
    with caplog.at_level(logging.INFO, logger="celery.app.trace"):
        result = send_email.apply(kwargs=MESSAGE, throw=False)
    assert result.state == states.FAILURE
    assert isinstance(result.result, ConnectionRefusedError)
    assert caplog.text.count("retry: Retry in") == send_email.max_retries


def test_a_server_that_does_not_answer_times_out_and_is_retried(smtp_server):
    server = smtp_server(SilentServer)
    result = send_email.apply(kwargs=MESSAGE, throw=False)
    assert result.state == states.FAILURE
    # smtplib reports the timeout as a lost connection: an OSError, retried.
    assert isinstance(result.result, OSError)
    assert server.connections == 1 + send_email.max_retries


# --- The broker is down ---------------------------------------------------------------


@pytest.fixture
def broker_down():
    """A real broker URL where nothing listens (port 1), without eager mode."""
    keys = ("task_always_eager", "broker_url", "task_publish_retry", "broker_connection_timeout")
    previous = {key: celery_app.conf[key] for key in keys}

    def forget_connections():
        # The app keeps its connection pools once created: drop them so the new URL is read.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:1/0",
        task_publish_retry=False,
        broker_connection_timeout=1,
    )
    forget_connections()
    yield
    celery_app.conf.update(previous)
    forget_connections()


@pytest.mark.usefixtures("broker_down")
def test_an_email_that_cannot_be_queued_is_logged_without_breaking_the_request(
    django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.ERROR, logger="accounts.tasks"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        enqueue_email(**MESSAGE)
    assert len(callbacks) == 1
    assert "E-mail not queued, the broker is unreachable" in caplog.text
    assert RECIPIENT not in caplog.text


@pytest.mark.usefixtures("broker_down")
def test_sign_up_succeeds_while_the_broker_is_down(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/compte/signup/",
            {
                "first_name": "Léa",
                "last_name": "Dupont",
                "email": "lea@college.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
