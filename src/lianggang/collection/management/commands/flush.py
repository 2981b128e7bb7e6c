"""Django's ``flush``, able to empty the append-only audit tables (``lianggang.dbguard``).

Emptying a whole database is a maintenance job by definition (the test runner does it between
tests that commit); nothing else may remove audit rows.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from lianggang.dbguard import maintenance


class Command(FlushCommand):
    help = FlushCommand.help + " Audit tables included (in maintenance mode)."

    def handle(self, **options: Any) -> None:
        with maintenance(options["database"]):
            super().handle(**options)
