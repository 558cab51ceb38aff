import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_access_log_records_paths_without_query_strings():
    config = runpy.run_path(str(ROOT / "pixorga" / "gunicorn.conf.py"))
    log_format = config["access_log_format"]
    assert "%(U)s" in log_format
    # %(r)s is the whole request line and %(q)s the query string: both carry secrets.
    assert "%(r)s" not in log_format
    assert "%(q)s" not in log_format
