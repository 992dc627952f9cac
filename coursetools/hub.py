"""What the course's JupyterHub (``make hub``, ``hub/jupyterhub_config.py``) does besides JupyterHub's own work.

- :func:`closed_directories` finds the folders on the way to the course's environment that the learners'
  accounts cannot enter (their servers run from it), so the hub refuses to start with the fix named;
- :func:`give_notebooks` copies the learner notebooks into a learner's home, never over a file there;
- :func:`first_login` is the spawner's ``pre_spawn_hook``: before each server starts it makes the account's
  home private and, as that account (never as root), gives it the notebooks; the instructor's course
  directory is handed to the instructor's account and linked as ``~/course``;
- :func:`limited` wraps each server's command in its limits (memory, CPU priority), which its kernels inherit;
  :func:`load_ipython_extension` is what every kernel of the hub loads: a cell that runs out of the memory
  limit, or a kernel that runs out of its CPU time, ends with a message that says why;
- :func:`stop_class` ends a whole class (the hub, every server and kernel, the proxy): ``make hub-stop``.

``python -m coursetools.hub give SOURCE TARGET`` and ``python -m coursetools.hub link COURSE LINK`` are the two
steps the hook runs as the account; ``python -m coursetools.hub stop STATE`` is ``make hub-stop``.
"""
import argparse
import asyncio
import json
import os
import pathlib
import pwd
import re
import resource
import signal
import sqlite3
import stat
import sys
import threading
import time

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


_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_size(text):
    """Bytes in a size written as a number and an optional binary unit (K, M, G, T: KiB, MiB, GiB, TiB).

    >>> parse_size("1G"), parse_size("512M"), parse_size("1.5G"), parse_size(4096)
    (1073741824, 536870912, 1610612736, 4096)
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", str(text), re.I)
    if not match or float(match[1]) <= 0:
        raise ValueError(f"size: expected a positive number of bytes with an optional unit (e.g. 1G, 768M), got {text!r}")
    return int(float(match[1]) * _UNITS[match[2].upper()])


def limited(command, memory, nice):
    """``command`` run under the limits of one learner's server: each of its processes (the server, each
    kernel, whatever a kernel starts) may write to at most ``memory`` bytes (``RLIMIT_DATA``: the memory a
    process allocates, not the libraries it shares), and runs ``nice`` steps below the hub in CPU priority.
    The account cannot raise either limit again; the same process id runs ``command`` (both tools exec it).

    >>> limited(["jupyterhub-singleuser"], memory=2**30, nice=5)
    ['/usr/bin/prlimit', '--data=1073741824', '--', '/usr/bin/nice', '-n', '5', 'jupyterhub-singleuser']
    """
    if not isinstance(memory, int) or memory <= 0:
        raise ValueError(f"memory: expected a positive number of bytes, got {memory!r}")
    if not isinstance(nice, int) or not 0 <= nice <= 19:
        raise ValueError(f"nice: expected a niceness from 0 to 19, got {nice!r}")
    return ["/usr/bin/prlimit", f"--data={memory}", "--", "/usr/bin/nice", "-n", str(nice), *command]


class CPUTimeLimit(BaseException):
    """A kernel has computed for its CPU time (a BaseException: a learner's ``except Exception`` cannot keep it)."""


def memory_message(limit):
    """What a learner reads under a MemoryError in a kernel whose processes may write to ``limit`` bytes.

    >>> memory_message(2**30).startswith("this kernel may use at most 1.0 GiB")
    True
    """
    return (f"this kernel may use at most {limit / 2**30:.1f} GiB of memory (the hub's limit for each of a learner's "
            "processes, so that no learner takes the memory of the class); the cell stopped here and your other "
            "variables are kept: ask for less, or free some with `del name`")


def cpu_message(seconds):
    """What a learner reads when a kernel has computed for ``seconds`` of CPU time.

    >>> "600 CPU-seconds" in cpu_message(600)
    True
    """
    return (f"this kernel has computed for {seconds} CPU-seconds, the hub's limit for one kernel (an endless loop "
            "cannot hold a share of the processors for ever); the kernel stops now and starts again empty: "
            "run the notebook's cells again from the top")


def set_autogroup_nice(nice, path="/proc/self/autogroup"):
    """Give this process's scheduling group (Linux puts each session in one) the niceness ``nice``: where the
    kernel groups sessions, a process's own niceness weighs only within its group. Returns whether it could.

    >>> set_autogroup_nice(0, path="/nonexistent-folder/autogroup")
    False
    """
    try:
        descriptor = os.open(path, os.O_WRONLY)  # never made: only the kernel's file is written
    except OSError:
        return False
    try:
        os.write(descriptor, str(nice).encode())
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)


def load_ipython_extension(ip, cpu_seconds=None):
    """Load in every kernel of the hub (``--ext=coursetools.hub`` in ``hub/jupyter/kernels/python3/kernel.json``):

    - a MemoryError (the process's memory limit, ``RLIMIT_DATA``, reached) says the limit and what to do;
    - ``cpu_seconds`` (default: ``$BPCOURSE_KERNEL_CPU_SECONDS``; none when unset or 0) of CPU time end the
      kernel: the cell running then stops with :class:`CPUTimeLimit` and its message, the kernel exits,
      and its server starts it again (a learner sees the message, then "Kernel restarting");
    - the kernel's scheduling group gets the niceness its server was started with.

    >>> load_ipython_extension(None, cpu_seconds=-1)
    Traceback (most recent call last):
    ...
    ValueError: cpu_seconds: expected a number of CPU-seconds (0: no limit), got -1
    """
    if cpu_seconds is None:
        cpu_seconds = int(os.environ.get("BPCOURSE_KERNEL_CPU_SECONDS") or 0)
    if cpu_seconds < 0:
        raise ValueError(f"cpu_seconds: expected a number of CPU-seconds (0: no limit), got {cpu_seconds}")
    limit = resource.getrlimit(resource.RLIMIT_DATA)[1]

    def explain_memory(shell, etype, value, tb, tb_offset=None):
        message = f"{value}: {memory_message(limit)}" if limit != resource.RLIM_INFINITY else str(value)
        return shell.showtraceback((MemoryError, MemoryError(message), tb), tb_offset=tb_offset)

    ip.set_custom_exc((MemoryError,), explain_memory)
    set_autogroup_nice(os.getpriority(os.PRIO_PROCESS, 0))
    if not cpu_seconds:
        return
    spent = threading.Event()

    def out_of_time(signum, frame):
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))  # no second signal while the message goes out
        spent.set()
        raise CPUTimeLimit(cpu_message(cpu_seconds))

    def exit_when_spent(result):
        if spent.is_set():  # the reply and the message leave first; the server then restarts the kernel
            threading.Timer(1.0, os._exit, (1,)).start()

    hard = cpu_seconds + 10  # SIGKILL if the loop never lets Python see the signal (one C call running on)
    signal.signal(signal.SIGXCPU, out_of_time)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, hard))
    ip.events.register("post_run_cell", exit_when_spent)


def proc_stat(pid):
    """The fields of ``/proc/PID/stat`` after the command's name (its state first, then its parent's pid, …),
    or None for a process that is gone.

    >>> proc_stat(os.getpid())[1] == str(os.getppid()), proc_stat(-1)
    (True, None)
    """
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def running(pid, name=""):
    """Whether ``pid`` runs (not a zombie) a command line that contains ``name`` (a pid file can outlive its process).

    >>> running(os.getpid()), running(os.getpid(), "no-such-command"), running(-1)
    (True, False, False)
    """
    fields = proc_stat(pid)
    if fields is None or fields[0] == "Z":
        return False
    try:
        return name in pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False


def descendants(pid):
    """The process ids of ``pid``'s children, their children and so on.

    >>> descendants(-1)
    []
    """
    children = {}
    for entry in pathlib.Path("/proc").iterdir():
        fields = proc_stat(entry.name) if entry.name.isdigit() else None
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def pid_in_file(path):
    """The process id written in the pid file ``path``, or None (no such file, or no number in it).

    >>> pid_in_file("/nonexistent/jupyterhub.pid") is None
    True
    """
    try:
        return int(pathlib.Path(path).read_text().strip())
    except (OSError, ValueError):
        return None


def server_pids(database):
    """The process ids of the servers that the hub's ``database`` (its SQLite file) records as running.

    >>> server_pids("/nonexistent/jupyterhub.sqlite")
    []
    """
    if not os.path.exists(database):
        return []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        states = [row[0] for row in db.execute("SELECT state FROM spawners WHERE server_id IS NOT NULL")]
    return [json.loads(state)["pid"] for state in states if state and "pid" in json.loads(state)]


def signal_each(pids, signum):
    """Send ``signum`` to each of ``pids``; returns those that were there to receive it.

    >>> signal_each([], signal.SIGTERM)
    []
    """
    sent = []
    for pid in pids:
        try:
            os.kill(pid, signum)
            sent.append(pid)
        except ProcessLookupError:
            pass
    return sent


def _end(pids, grace):
    """SIGTERM to each of ``pids``, SIGKILL to those alive ``grace`` seconds later; returns those that were alive."""
    alive = signal_each(pids, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(running(pid) for pid in alive):
        time.sleep(0.2)
    signal_each(alive, signal.SIGKILL)
    return alive


def stop_class(state, grace=20):
    """End the class of the hub whose state folder is ``state`` (``make hub-stop``): the hub (its pid file),
    every learner's server it records and whatever those started (kernels), and the proxy. Stopping only the
    hub (Ctrl+C, or a crash) leaves the others running, for the hub's next start to take back. Needs root.
    Returns what was ended: {"hub": [pid], "servers": [...], "kernels and the like": [...], "proxy": [pid]}.

    >>> stop_class("/nonexistent")
    {'hub': [], 'servers': [], 'kernels and the like': [], 'proxy': []}
    """
    state = pathlib.Path(state)
    hub = [pid for pid in [pid_in_file(state / "jupyterhub.pid")] if pid and running(pid, "jupyterhub")]
    ended = {"hub": _end(hub, grace)}
    servers = [pid for pid in server_pids(state / "jupyterhub.sqlite") if running(pid, "jupyterhub-singleuser")]
    below = [child for pid in servers for child in descendants(pid)]
    ended["servers"] = _end(servers, grace)  # a server stops its kernels on SIGTERM ...
    ended["kernels and the like"] = _end([pid for pid in below if running(pid)], 1)  # ... these did not stop
    proxy = [pid for pid in [pid_in_file(state / "jupyterhub-proxy.pid")] if pid and running(pid, "configurable-http-proxy")]
    ended["proxy"] = _end(proxy, grace)
    return ended


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursetools.hub", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    give = commands.add_parser("give", help="copy SOURCE/*.ipynb into TARGET, never over a file there")
    give.add_argument("source", type=pathlib.Path)
    give.add_argument("target", type=pathlib.Path)
    link = commands.add_parser("link", help="make LINK a link to the course folder COURSE")
    link.add_argument("course", type=pathlib.Path)
    link.add_argument("link", type=pathlib.Path)
    stop = commands.add_parser("stop", help="end the class of the hub whose state folder is STATE (make hub-stop)")
    stop.add_argument("state", type=pathlib.Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "stop":
            if not args.state.is_dir():
                raise UserError(f"state: expected the hub's state folder (HUB_STATE), got {str(args.state)!r}, not a folder")
            for what, pids in stop_class(args.state).items():
                print(f"{what}: {'ended ' + ' '.join(map(str, pids)) if pids else 'none running'}")
        elif args.command == "give":
            for name in give_notebooks(args.source, args.target):
                print(f"{args.target / name}: copied")
        else:
            link_course(args.course, args.link)
    except OSError as error:  # a folder missing, in the way, or not the account's to write
        raise UserError(str(error)) from None
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "python -m coursetools.hub"))
