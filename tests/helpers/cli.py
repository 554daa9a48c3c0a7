"""Running the command line in-process."""

from __future__ import annotations

from collab_assess.operations.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
