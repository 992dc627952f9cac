"""What the course's command-line entry points share: a user's mistake is one line on stderr and a
non-zero exit status, never a traceback.

>>> import contextlib, io
>>> def main(argv=None):
...     raise UserError("submissions: expected a folder, got 'nowhere'")
>>> with contextlib.redirect_stderr(io.StringIO()) as err:
...     status = run(main, "python -m coursetools.example")
>>> status, err.getvalue().strip()
(2, "python -m coursetools.example: submissions: expected a folder, got 'nowhere'")
"""
import sys


class UserError(Exception):
    """A mistake the user can put right; the message says what was expected, what was given and what to do.

    >>> str(UserError("course: no course in 'course/'; run `make assignments` first"))
    "course: no course in 'course/'; run `make assignments` first"
    """


def run(main, prog, argv=None):
    """``main(argv)``'s exit status; a :class:`UserError` is printed as one line, ``prog: message``, on
    stderr, and the status is 2 (as argparse gives a wrong argument).

    >>> run(lambda argv: 0, "prog")
    0
    """
    try:
        return main(argv)
    except UserError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
