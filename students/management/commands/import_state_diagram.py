"""Print the import's state diagram, drawn from `Import.TRANSITIONS`, as Mermaid.

    python manage.py import_state_diagram

docs/architecture.md shows this output in a ```mermaid block; a test fails when they
differ, so after changing the table, paste the new output there.
"""

from django.core.management.base import BaseCommand

from students.services import import_state_diagram


class Command(BaseCommand):
    help = "Print the import's state diagram (Mermaid), drawn from Import.TRANSITIONS."

    def handle(self, *args, **options):
        self.stdout.write(import_state_diagram(), ending="")
