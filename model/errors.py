"""The one exception type a user ever sees."""


class LedgerError(Exception):
    """An action the ledger refuses.

    Its text is one line that names the field, row or document at fault; the
    command line prints it as is and exits with code 1. Nothing was written.
    """


class LedgerErrors(LedgerError):
    """Several refusals at once (one per bad row of an import)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
