"""A throwaway class on this machine, served by the course's own ``make hub``: what the end-to-end test
(``tests/tooling/test_hub_end_to_end.py``) and the load benchmark (``benchmarks/bench_hub_load.py``) run against. Needs root.

:class:`TrialHub` makes system accounts for the run (with random passwords), builds an nbgrader course of the
notebooks it is given, starts ``make hub`` on free ports of 127.0.0.1 with a config that loads
``hub/jupyterhub_config.py`` and adds only what a trial needs (its accounts, an API token for itself), and
talks to the hub's REST API and to the servers it starts (their contents and kernels). It can stop the hub
as Ctrl+C would (:meth:`~TrialHub.interrupt`), kill it (:meth:`~TrialHub.crash`), start it again
(:meth:`~TrialHub.restart`, with other settings) and end the class (:meth:`~TrialHub.stop_class`, ``make
hub-stop``). On leaving, it ends the class and what is left of the accounts' processes, removes the accounts
with their homes, and restores the modes of folders it opened for them. Traffic goes to 127.0.0.1 only.

>>> with TrialHub(learners=["ada"], instructor="teacher") as trial:  # doctest: +SKIP
...     ada = trial.name("ada")
...     spawn_seconds = trial.start_server(ada)
...     run_seconds = trial.run_notebook(ada, "bpcourse/01_gradient_descent.ipynb")
...     with Kernel(trial, ada) as kernel:
...         outputs = kernel.execute("print(1 + 1)")
"""
import http.cookiejar
import json
import os
import pathlib
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

import websocket

from . import assignments
from .build import ROOT
from .hub import closed_directories, pid_in_file, proc_stat, running, signal_each

TRIAL_CONFIG = """\
# A trial hub (coursetools.hubtrial): the course's configuration, plus this run's accounts, ports and API token.
load_subconfig({default!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.PAMAuthenticator.allowed_groups = set()
c.Authenticator.allowed_users = {accounts!r}
c.JupyterHub.services.append({{"name": "trial", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{"name": "trial", "services": ["trial"],
                                "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"]}})
"""


class NotebookError(RuntimeError):
    """A cell of a notebook run through a server's kernel raised."""


def free_port():
    """A port of 127.0.0.1 that nothing listens on now.

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes(uids=(), mentioning=()):
    """PIDs of the live processes owned by one of ``uids`` or whose command line contains one of ``mentioning``.

    >>> os.getpid() in processes(uids=[os.getuid()])
    True
    """
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            owner = entry.stat().st_uid
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if owner in uids or any(text in command for text in mentioning):
            found.append(int(entry.name))
    return found


def resident_memory(uid):
    """Bytes of memory resident in the processes owned by ``uid`` (the sum of their RSS).

    >>> resident_memory(os.getuid()) > 0
    True
    """
    total = 0
    for pid in processes(uids=[uid]):
        try:
            status = pathlib.Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def cpu_seconds(pid, children=False):
    """CPU time (user and system, in seconds) that ``pid`` has used; with ``children``, that of its children
    it has waited for too. 0 for a process that is gone.

    >>> cpu_seconds(os.getpid()) > 0
    True
    """
    fields = proc_stat(pid)
    if fields is None:
        return 0.0
    ticks = sum(int(fields[i]) for i in ((11, 12, 13, 14) if children else (11, 12)))
    return ticks / os.sysconf("SC_CLK_TCK")


def kill(pids):
    """SIGKILL each of ``pids`` that still runs.

    >>> kill([])
    """
    signal_each(pids, signal.SIGKILL)


def wait_until_gone(find, timeout):
    """``find()``, a list of PIDs, once it is empty or ``timeout`` seconds have passed (processes that were
    signalled take a moment to be gone).

    >>> wait_until_gone(lambda: [], timeout=1)
    []
    """
    deadline = time.monotonic() + timeout
    while (left := find()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


class TrialHub:
    """The course's hub with throwaway accounts: ``learners`` and ``instructor`` are short names, made unique
    for the run by :meth:`name`; ``notebooks`` are built into the trial's nbgrader course; ``timeout`` bounds
    each wait (seconds); ``settings`` are ``make hub``'s variables for the run (e.g. ``{"CPU_LIMIT": 30}``).
    A context manager: entering starts the hub, leaving removes every trace of it."""

    def __init__(self, learners, instructor="teacher", notebooks=("01_gradient_descent.ipynb",), timeout=300,
                 settings=None):
        if not learners:
            raise ValueError(f"learners: expected at least one short name, got {learners!r}")
        self.prefix = f"bpctest-{secrets.token_hex(2)}-"
        self.learners = [self.name(short) for short in learners]
        self.instructor = self.name(instructor)
        self.notebooks, self.timeout = list(notebooks), timeout
        self.token = secrets.token_hex(32)
        self.port, self.hub_port, self.proxy_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.passwords, self.uids, self.opened = {}, [], {}
        self.folder = self.proc = None
        self.settings = dict(settings or {})

    def name(self, short):
        """The account's name for a short name: ``bpctest-<run>-<short>``.

        >>> TrialHub(["ada"]).name("ada").startswith("bpctest-")
        True
        """
        return self.prefix + short

    @property
    def accounts(self):
        return [*self.learners, self.instructor]

    def __enter__(self):
        if os.geteuid() != 0:
            raise PermissionError("TrialHub: expected to run as root (it makes system accounts and starts `make hub`), "
                                  f"got uid {os.geteuid()}")
        try:
            self._prepare()
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _prepare(self):
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="bpctest-", dir="/tmp"))
        self.folder.chmod(0o711)  # the accounts pass through to the exchange and the course, and see nothing else
        self.state = self.folder / "state"
        self.state.mkdir(mode=0o700)
        self.course = self.folder / "course"
        assignments.build(self.course, self.notebooks)
        for account in self.accounts:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", account], check=True)
            self.uids.append(pwd.getpwnam(account).pw_uid)
            self.passwords[account] = secrets.token_urlsafe(18)
            subprocess.run(["chpasswd"], input=f"{account}:{self.passwords[account]}\n", text=True, check=True)
        for folder in closed_directories(sys.executable, ROOT):  # e.g. a Python installed under /root
            self.opened[folder] = os.stat(folder).st_mode
            os.chmod(folder, self.opened[folder] | stat.S_IXOTH)
        (self.state / "jupyterhub_config.py").write_text(TRIAL_CONFIG.format(
            default=str(ROOT / "hub" / "jupyterhub_config.py"), port=self.port, hub_port=self.hub_port,
            proxy_port=self.proxy_port, accounts=set(self.accounts), token=self.token))

    def _start(self):
        self.log = self.state / "hub.log"
        command = ["make", "-s", "hub", f"COURSE={self.course}", f"INSTRUCTOR={self.instructor}",
                   f"EXCHANGE={self.folder / 'exchange'}", f"HUB_STATE={self.state}",
                   f"HUB_CONFIG={self.state / 'jupyterhub_config.py'}",
                   *(f"{name}={value}" for name, value in self.settings.items())]
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(lambda: self._answers("/hub/api/"), "the hub to answer")

    def _answers(self, path):
        try:
            urllib.request.urlopen(self.url + path, timeout=5).close()
            return True
        except OSError:
            return False

    def _wait(self, done, what):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"`make hub` exited with {self.proc.returncode} while waiting for {what}:\n{self.log_tail()}")
            if done():
                return
            time.sleep(0.5)
        raise TimeoutError(f"waited {self.timeout} s for {what}:\n{self.log_tail()}")

    def restart(self, **settings):
        """``make hub`` again (after :meth:`interrupt` or :meth:`crash`), with ``settings`` changed."""
        self.settings.update(settings)
        self._start()

    def hub_pid(self):
        """The process id of the running hub (its pid file), or None."""
        pid = pid_in_file(self.state / "jupyterhub.pid")
        return pid if pid and running(pid, "jupyterhub -f") else None

    def crash(self):
        """Kill the hub (SIGKILL, no clean-up of any kind) and wait until ``make hub`` has exited."""
        os.kill(self.hub_pid(), signal.SIGKILL)
        self.proc.wait(self.timeout)

    def interrupt(self, timeout=60):
        """Stop the hub as Ctrl+C in its terminal would (SIGINT to ``make hub`` and its children), and wait
        until it has exited (at most ``timeout`` seconds)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass

    def stop_class(self, grace=15):
        """``make hub-stop``: end the class; returns its output and the PIDs of the trial's processes still alive
        ``grace`` seconds later (none when it ended everything)."""
        done = subprocess.run(["make", "-s", "hub-stop", f"HUB_STATE={self.state}"], cwd=ROOT, capture_output=True,
                              text=True, timeout=self.timeout)
        if done.returncode:
            raise RuntimeError(f"make hub-stop exited with {done.returncode}:\n{done.stdout}{done.stderr}")
        return done.stdout, wait_until_gone(self.leftovers, grace)

    def server_pid(self, account):
        """The process id of ``account``'s server (None when it runs none)."""
        uid = pwd.getpwnam(account).pw_uid
        found = [pid for pid in processes(uids=[uid]) if pid in processes(mentioning=["jupyterhub-singleuser"])]
        return found[0] if found else None

    def login(self, account):
        """Log ``account`` in on the hub's login page with its password, as a browser would (cookies, the
        form's XSRF token, every redirect followed); returns the address it lands on."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(f"{self.url}/hub/login", timeout=60) as page:
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.read().decode()).group(1)
        form = urllib.parse.urlencode({"username": account, "password": self.passwords[account], "_xsrf": xsrf})
        with opener.open(f"{self.url}/hub/login", form.encode(), timeout=self.timeout) as page:
            return page.geturl()

    def log_tail(self, chars=4000):
        """The end of the hub's log."""
        return self.log.read_text(errors="replace")[-chars:]

    def request(self, method, path, body=None, timeout=120):
        """``method path`` on the hub's address (``/hub/api/…`` or ``/user/<account>/…``) with the trial's
        token; returns the decoded JSON (None for an empty answer)."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"token {self.token}", "Content-Type": "application/json"}
        with urllib.request.urlopen(urllib.request.Request(self.url + path, data, headers, method=method), timeout=timeout) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def start_server(self, account):
        """Start ``account``'s server through the hub's REST API; returns the seconds until it is ready."""
        started = time.monotonic()
        self.request("POST", f"/hub/api/users/{account}/server")
        self._wait(lambda: self._server(account).get("ready"), f"{account}'s server")
        return time.monotonic() - started

    def stop_server(self, account):
        """Stop ``account``'s server through the hub's REST API and wait until it has stopped."""
        self.request("DELETE", f"/hub/api/users/{account}/server")
        self._wait(lambda: not self._server(account), f"{account}'s server to stop")

    def _server(self, account):
        return self.request("GET", f"/hub/api/users/{account}")["servers"].get("", {})

    def run_notebook(self, account, path):
        """Run the notebook at ``path`` (in ``account``'s home) top to bottom in a new kernel of that account's
        server; returns the seconds taken. Raises :class:`NotebookError` at the first cell that raises."""
        return self.execute_notebook(account, path)[0]

    def execute_notebook(self, account, path):
        """:meth:`run_notebook`, returning the seconds taken and each code cell's id with its outputs."""
        started, outputs = time.monotonic(), []
        nb = self.request("GET", f"/user/{account}/api/contents/{path}")["content"]
        with Kernel(self, account, cwd=os.path.dirname(path)) as kernel:
            for index, cell in enumerate(nb["cells"]):
                source = "".join(cell["source"])
                if cell["cell_type"] == "code" and source.strip():
                    outputs.append((cell.get("id"), kernel.execute(source, timeout=self.timeout)))
                    errors = [o for o in outputs[-1][1] if o["msg_type"] == "error"]
                    if errors:
                        raise NotebookError(f"{account}: {path}, cell {index}: {errors[0]['ename']}: {errors[0]['evalue']}")
        return time.monotonic() - started, outputs

    def stop(self, grace=15):
        """Stop the hub (Ctrl+C) and end the class (``make hub-stop``); returns the PIDs of the trial's processes
        still alive ``grace`` seconds later (none when everything stopped)."""
        self.interrupt()
        return self.stop_class(grace)[1] if self.folder and self.folder.exists() else []

    def leftovers(self):
        """PIDs of live processes of the trial: the accounts', or any naming its folder or its proxy's port."""
        return processes(uids=self.uids, mentioning=[str(self.folder), f"--api-port {self.proxy_port}"]) if self.folder else []

    def close(self):
        """End the class, end what is left, remove the accounts and their homes, restore opened folders."""
        try:
            self.stop()
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:  # what is left is killed below
            print(f"TrialHub: ending the class: {error}", file=sys.stderr)
        kill(self.leftovers())
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        for account in self.accounts:
            try:
                home = pwd.getpwnam(account).pw_dir
            except KeyError:
                continue
            subprocess.run(["userdel", "--remove", account], capture_output=True)
            shutil.rmtree(home, ignore_errors=True)
        for folder, mode in self.opened.items():
            os.chmod(folder, mode)
        self.opened = {}
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


class Kernel:
    """A kernel of ``account``'s server on ``trial``'s hub, started in the folder ``cwd`` of its home (or the
    running kernel ``kernel_id``) and driven over the server's websocket (Jupyter's messaging protocol); a
    context manager that closes the websocket and, with ``shut_down``, shuts the kernel down."""

    def __init__(self, trial, account, cwd="", kernel_id=None, shut_down=True):
        self.trial, self.account, self.session, self.shut_down = trial, account, uuid.uuid4().hex, shut_down
        self.id = kernel_id or trial.request("POST", f"/user/{account}/api/kernels", {"name": "python3", "path": cwd})["id"]
        self.socket = websocket.create_connection(
            f"ws://127.0.0.1:{trial.port}/user/{account}/api/kernels/{self.id}/channels",
            header=[f"Authorization: token {trial.token}"], timeout=trial.timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.socket.close()
        if self.shut_down:
            self.trial.request("DELETE", f"/user/{self.account}/api/kernels/{self.id}")

    def pid(self):
        """The process id of the kernel (None when none runs): the process whose command line names its connection file."""
        found = processes(mentioning=[f"kernel-{self.id}.json"])
        return found[0] if found else None

    def execute(self, code, timeout=300):
        """Run ``code``; returns its outputs as messages' contents with their ``msg_type`` (``stream``,
        ``execute_result``, ``display_data``, ``error``), once the kernel has replied and is idle again."""
        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session, "username": self.account,
                       "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        outputs, replied, idle = [], False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.account}: the kernel took over {timeout} s for {code[:60]!r}")
            self.socket.settimeout(max(0.1, deadline - time.monotonic()))
            opcode, frame = self.socket.recv_data_frame(True)  # pings too, so that the deadline is checked
            if opcode != websocket.ABNF.OPCODE_TEXT:  # pings, and messages with binary buffers (widgets')
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    raise ConnectionError(f"{self.account}: the server closed the kernel's websocket")
                continue
            msg = json.loads(frame.data)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            replied = replied or kind == "execute_reply"
            idle = idle or (kind == "status" and msg["content"]["execution_state"] == "idle")
            if kind in ("stream", "execute_result", "display_data", "error"):
                outputs.append(dict(msg["content"], msg_type=kind))
        return outputs
