import pytest
from django.test import TestCase


@pytest.fixture
def on_commit():
    """Run on-commit callbacks (the e-mail's publish) as a real commit would."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)
