"""Signing in as a browser would, from a chosen address."""

from django.test import Client

SCHOOL_IP = "192.0.2.10"
HOME_IP = "198.51.100.200"
# The start of the refusal, in French (the default language).
TOO_MANY = "Trop de tentatives de connexion échouées"


def sign_in(client: Client, login: str, password: str, ip: str = SCHOOL_IP, next_url: str = ""):
    url = "/compte/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": login, "password": password}, REMOTE_ADDR=ip)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def sign_out(client: Client) -> None:
    client.post("/compte/logout/")
    assert not is_signed_in(client)


def refused(response) -> bool:
    """The sign-in form came back with the lock-out sentence."""
    return response.status_code == 200 and TOO_MANY in response.content.decode()
