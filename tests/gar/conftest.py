"""The GAR's tests: the fixtures of tests/gar/fixtures.py."""

from tests.gar.fixtures import RESOURCE_URL, configure_sp, gar_idp, gar_keys, impostor_idp

__all__ = ["RESOURCE_URL", "configure_sp", "gar_idp", "gar_keys", "impostor_idp"]
