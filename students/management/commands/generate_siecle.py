"""Write a realistic SIECLE "Élèves sans adresses" export (for demos, tests, load tests)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from students.siecle_generator import XML_NAME, ZIP_NAME, write_siecle, write_siecle_zip


class Command(BaseCommand):
    help = "Write a realistic SIECLE export (.xml, or .zip with --zip), deterministic per seed."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=500, help="number of students")
        parser.add_argument("--uai", default="0750654D", help="the school's UAI (PARAMETRES/UAJ)")
        parser.add_argument("--zip", action="store_true", help=f"write {ZIP_NAME}")
        parser.add_argument("--output", help=f"path to write ({XML_NAME} or {ZIP_NAME} by default)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--encoding", choices=["iso-8859-15", "utf-8"], default="iso-8859-15")

    def handle(self, *args, **options):
        if options["students"] < 0:
            raise CommandError("--students must be positive.")
        path = Path(options["output"] or (ZIP_NAME if options["zip"] else XML_NAME))
        write = write_siecle_zip if options["zip"] else write_siecle
        try:
            with path.open("wb") as output:
                expected = write(
                    output,
                    students=options["students"],
                    uai=options["uai"].strip().upper(),
                    seed=options["seed"],
                    encoding=options["encoding"],
                )
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc}") from exc
        skipped = ", ".join(f"{reason} {count}" for reason, count in expected.skipped.items())
        self.stdout.write(
            f"Wrote {path} ({path.stat().st_size:,} bytes): {expected.students} students, "
            f"{expected.learners} to import, skipped: {skipped}."
        )
