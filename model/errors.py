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


class FieldError(LedgerError):
    """A refusal of one field's value, e.g. ``note: must be one line ...``.

    ``field`` is the field's name in the ledger (``title``, ``note``, ``reason``...);
    the command line shows it as its flag (``--note``), the app as the label of the
    form field that holds it, so neither has to parse the message.
    """

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")
