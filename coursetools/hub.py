"""What the course's JupyterHub (``make hub``, ``hub/jupyterhub_config.py``) does besides JupyterHub's own work.

- :func:`closed_directories` finds the folders on the way to the course's environment that the learners'
  accounts cannot enter (their servers run from it), so the hub refuses to start with the fix named;
- :func:`give_notebooks` copies the learner notebooks into a learner's home, never over a file there;
- :func:`first_login` is the spawner's ``pre_spawn_hook``: before each server starts it makes the account's
  home private and, as that account (never as root), gives it the notebooks; the instructor's course
  directory is handed to the instructor's account and linked as ``~/course``.

``python -m coursetools.hub give SOURCE TARGET`` and ``python -m coursetools.hub link COURSE LINK`` are the two
steps the hook runs as the account.
"""
import argparse
import asyncio
import os
import pathlib
import pwd
import stat
import sys

from .cli import UserError, run

README = """\
# Your copy of the course

These notebooks are yours: edit them, run them, break them. Logging in again never replaces a notebook
you have; notebooks added to the course later are copied in beside yours at your next login, and a
notebook you deleted comes back, as the course has it, at your next login.

Graded work goes through nbgrader: in Nbgrader ▸ Assignment List, fetch an assignment, answer it in the
folder the fetch creates, and submit it from the same list.
"""


def closed_directories(*paths):
    """The folders on the way to ``paths`` (links resolved) that other accounts cannot enter (no ``o+x``).

    >>> closed_directories("/")
    []
    """
    closed = set()
    for path in paths:
        real = pathlib.Path(os.path.realpath(path))
        for folder in [real, *real.parents]:
            if folder.is_dir() and not folder.stat().st_mode & stat.S_IXOTH:
                closed.add(str(folder))
    return sorted(closed)


def give_notebooks(source, target):
    """Copy ``source/*.ipynb`` into ``target`` (made if missing), leaving every file already there as it
    is, and write ``target/README.md`` if missing; returns the names copied.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as source, tempfile.TemporaryDirectory() as home:
    ...     _ = pathlib.Path(source, "01_a.ipynb").write_text("{}")
    ...     first = give_notebooks(source, pathlib.Path(home, "bpcourse"))
    ...     _ = pathlib.Path(home, "bpcourse", "01_a.ipynb").write_text("edited")
    ...     _ = pathlib.Path(source, "02_b.ipynb").write_text("{}")
    ...     again = give_notebooks(source, pathlib.Path(home, "bpcourse"))
    ...     kept = pathlib.Path(home, "bpcourse", "01_a.ipynb").read_text()
    >>> first, again, kept
    (['01_a.ipynb'], ['02_b.ipynb'], 'edited')
    """
    source, target = pathlib.Path(source), pathlib.Path(target)
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"source: expected a folder of notebooks, got {str(source)!r} (no *.ipynb there)")
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in notebooks:
        try:
            with (target / path.name).open("xb") as out:  # "x": never over a file the learner has
                out.write(path.read_bytes())
            copied.append(path.name)
        except FileExistsError:
            continue
    try:
        with (target / "README.md").open("x", encoding="utf-8") as out:
            out.write(README)
    except FileExistsError:
        pass
    return copied


def link_course(course, link):
    """Make ``link`` a symbolic link to the folder ``course``, unless it is one already.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as home:
    ...     link_course(home, pathlib.Path(home, "course")); link_course(home, pathlib.Path(home, "course"))
    ...     os.path.realpath(pathlib.Path(home, "course")) == os.path.realpath(home)
    True
    """
    link = pathlib.Path(link)
    if link.is_symlink() and os.path.realpath(link) == os.path.realpath(course):
        return
    if link.exists() or link.is_symlink():
        raise FileExistsError(f"link: expected nothing or a link to {course} at {link}, got something else there; "
                              "move it away so that the instructor's ~/course can point at the course")
    link.symlink_to(course, target_is_directory=True)


def hand_over(folder, account):
    """Make ``account`` the owner of ``folder`` and everything in it (links themselves, never their targets); needs root.

    >>> hand_over("course", "teacher")  # doctest: +SKIP
    """
    uid, gid = pwd.getpwnam(account).pw_uid, pwd.getpwnam(account).pw_gid
    for parent, folders, files in os.walk(folder):
        for name in [parent, *(os.path.join(parent, n) for n in folders + files)]:
            os.chown(name, uid, gid, follow_symlinks=False)


async def as_account(account, *args):
    """Run ``python -m coursetools.hub ARGS`` as ``account`` (its uid and group only, in its home); needs root.

    >>> asyncio.run(as_account("ada", "give", "notebooks", "/home/ada/bpcourse"))  # doctest: +SKIP
    """
    entry = pwd.getpwnam(account)
    env = {"HOME": entry.pw_dir, "USER": account, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "coursetools.hub", *map(str, args), cwd=entry.pw_dir,
                                                env=env, user=entry.pw_uid, group=entry.pw_gid, extra_groups=[],
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"coursetools.hub {' '.join(map(str, args))} as {account} failed:\n{output.decode(errors='replace')}")


def first_login(notebooks, course, instructor):
    """The spawner's ``pre_spawn_hook``: the home made private (mode 700) and given the notebooks of
    ``notebooks`` in ``~/bpcourse``; for ``instructor``, ``course`` handed over and linked as ``~/course``.

    >>> hook = first_login("notebooks", "course", "teacher")
    >>> hook.__name__
    'hook'
    """
    async def hook(spawner):
        account = spawner.user.name
        home = pwd.getpwnam(account).pw_dir
        os.chmod(home, 0o700)
        await as_account(account, "give", notebooks, os.path.join(home, "bpcourse"))
        if account == instructor:
            hand_over(course, account)
            await as_account(account, "link", course, os.path.join(home, "course"))
    return hook


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursetools.hub", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    give = commands.add_parser("give", help="copy SOURCE/*.ipynb into TARGET, never over a file there")
    give.add_argument("source", type=pathlib.Path)
    give.add_argument("target", type=pathlib.Path)
    link = commands.add_parser("link", help="make LINK a link to the course folder COURSE")
    link.add_argument("course", type=pathlib.Path)
    link.add_argument("link", type=pathlib.Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "give":
            for name in give_notebooks(args.source, args.target):
                print(f"{args.target / name}: copied")
        else:
            link_course(args.course, args.link)
    except OSError as error:  # a folder missing, in the way, or not the account's to write
        raise UserError(str(error)) from None
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "python -m coursetools.hub"))
