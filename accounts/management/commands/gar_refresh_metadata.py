"""Refresh the GAR's metadata (its signing certificate changes every year).

    manage.py gar_refresh_metadata

GAR_IDP_METADATA an https URL (http only with DEBUG or GAR_IDP_METADATA_ALLOW_HTTP):
downloaded, checked (the identity provider GAR_IDP_ENTITY_ID, a signing certificate still
valid), then written atomically to GAR_IDP_METADATA_CACHE (the file the application
reads); a bad document is refused and the old copy kept. A local file: only checked.
Either way the signing certificate's expiry is printed, and the certificates' SHA-256
fingerprints, old and new, when they change. Run it daily (cron) and when the GAR
announces a certificate rotation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.gar import idp_metadata
from accounts.gar.config import idp_metadata_path

WARN_DAYS = 30


class Command(BaseCommand):
    help = "Download (when a URL) and check the GAR's metadata; print its certificate's expiry."

    def handle(self, *args, **options):
        source = settings.GAR_IDP_METADATA
        if not source:
            raise CommandError("GAR_IDP_METADATA is not set (a file path or an https URL).")
        is_url = source.startswith(("http://", "https://"))
        target = idp_metadata_path()
        try:
            document = idp_metadata.download(source) if is_url else Path(source).read_bytes()
            found = idp_metadata.check(document)
        except idp_metadata.MetadataError as error:
            kept = f" {target} is left as it was." if is_url else ""
            raise CommandError(f"The GAR's metadata was refused: {error}.{kept}") from error
        except OSError as error:
            raise CommandError(f"Cannot read {source}: {error.strerror}") from error
        if is_url:
            old = target.read_bytes() if target.is_file() else b""
            previous = idp_metadata.signing_fingerprints(old) if old else ()
            idp_metadata.save(document, target)
            if previous != found.fingerprints:
                self.stdout.write(
                    "The GAR's signing certificates changed: before "
                    f"{', '.join(previous) or 'none'}; now {', '.join(found.fingerprints)}."
                )
            self.stdout.write(f"Saved the GAR's metadata from {source} to {target}.")
        days = (found.certificate_expires_at - datetime.now(UTC)).days
        self.stdout.write(
            f"Identity provider {found.entity_id}, single sign-on at {found.sso_url}; "
            f"its signing certificate expires on "
            f"{found.certificate_expires_at:%Y-%m-%d %H:%M} UTC ({days} days)."
        )
        if days < WARN_DAYS:
            self.stderr.write(
                f"The signing certificate expires in {days} days: check that the GAR has "
                "published the next one, and refresh again."
            )
