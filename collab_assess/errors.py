"""Errors with messages meant for the person using the app or the command line."""

from __future__ import annotations


class CollabAssessError(Exception):
    """Base for every error whose message can be shown to a user as it is."""


class InputError(CollabAssessError):
    """Something typed or chosen cannot be saved as it stands; nothing was written."""


class NotFoundError(CollabAssessError):
    """A collaborative, round, respondent or statement that does not exist."""


class RoundClosedError(CollabAssessError):
    """An answer given to a round that has been closed."""


class DatabaseError(CollabAssessError):
    """The database file cannot be used; nothing in it was changed."""


class BankError(CollabAssessError):
    """A question bank file that does not validate. Each fault names the item and what is wrong."""

    def __init__(self, file_name: str, faults: list[str]):
        self.file_name = file_name
        self.faults = faults
        lines = "\n".join(f"  - {fault}" for fault in faults)
        super().__init__(f"The question bank {file_name} has {len(faults)} fault(s):\n{lines}")


class DataFileError(CollabAssessError):
    """A data file (data/*.toml) that does not validate. Each fault names the item and what is
    wrong."""

    def __init__(self, file_name: str, faults: list[str]):
        self.file_name = file_name
        self.faults = faults
        lines = "\n".join(f"  - {fault}" for fault in faults)
        super().__init__(f"The data file {file_name} has {len(faults)} fault(s):\n{lines}")
