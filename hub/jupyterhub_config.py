"""The course's JupyterHub: `sudo make hub` serves this checkout to a class at http://127.0.0.1:8000.

Every learner is a system account in the group `bpcourse` and logs in with its own password (PAM); its
server runs as that account, from the course's environment. The instructor is the account named by
`make hub INSTRUCTOR=name`: its server has nbgrader's formgrader and works in the course built by
`make assignments`. docs/hub.md says how to add learners, change the limits, put the hub behind TLS and use
another authenticator. The Makefile passes the folders and settings below as environment variables.

A class survives its learners and its instructor: each learner's server and kernels run under a memory
limit and below the hub in CPU priority, a kernel ends after its CPU time, idle servers end after
IDLE_TIMEOUT, and stopping the hub (Ctrl+C, a crash) leaves every server, kernel and the proxy running
for the hub's next start to take back. `make hub-stop` ends the whole class.
"""
import os
import pathlib
import shutil
import sys

from coursetools.hub import closed_directories, first_login, limited, parse_size

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = pathlib.Path(sys.executable).parent  # the course's environment: make hub runs its jupyterhub
INSTRUCTOR = os.environ.get("BPCOURSE_INSTRUCTOR", "")
COURSE = os.environ.get("BPCOURSE_COURSE", str(ROOT / "course"))
EXCHANGE = os.environ.get("BPCOURSE_EXCHANGE", "/srv/nbgrader/exchange")
STATE = pathlib.Path(os.environ.get("BPCOURSE_HUB_STATE", HERE / "state"))
# The limits (make hub MEMORY_LIMIT=… CPU_LIMIT=… IDLE_TIMEOUT=…): fitted to a 2-core, 24 GiB machine and twenty
# learners, who used 336-370 MiB each running notebook 01 (benchmarks/HUB_LOAD.md); docs/hub.md scales them.
MEMORY_LIMIT = parse_size(os.environ.get("BPCOURSE_MEMORY_LIMIT") or "1G")  # each process of a learner: server, kernel
CPU_LIMIT = int(os.environ.get("BPCOURSE_KERNEL_CPU_SECONDS") or 1800)  # CPU-seconds of one kernel (0: none)
IDLE_TIMEOUT = int(os.environ.get("BPCOURSE_IDLE_TIMEOUT") or 3600)  # seconds without activity before a server ends
NICE = 5  # the learners' processes yield to the hub and the proxy, which serve everyone
ACTIVITY_EVERY = max(5, min(300, IDLE_TIMEOUT // 6))  # seconds: how fresh the hub's view of activity is

if os.geteuid() != 0:
    sys.exit("make hub: run it as root (sudo make hub): the hub starts each learner's server as that learner's account")
closed = closed_directories(sys.executable, ROOT, COURSE)
if closed:
    sys.exit(f"make hub: the learners' accounts cannot enter {', '.join(closed)}, on the way to the course's environment "
             f"or this checkout; let them pass (chmod o+x {' '.join(closed)}) or set the course up where they can "
             "(docs/hub.md)")
if not os.path.isfile(os.path.join(COURSE, "nbgrader_config.py")):
    sys.exit(f"make hub: no nbgrader course in {COURSE}; run `make assignments` first")
if not os.path.isdir(EXCHANGE):  # nbgrader's exchange: every account writes there, none removes another's files
    os.makedirs(EXCHANGE)
    os.chmod(EXCHANGE, 0o1777)
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)

c = get_config()  # noqa: F821 (JupyterHub defines it)
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# Stopping the hub (Ctrl+C, or a crash) stops the hub alone: the servers, their kernels and the proxy (so the
# learners' open notebooks) run on, and the next `make hub` takes them back from its database (the proxy is
# started again and given every server's route). `make hub-stop` (coursetools.hub.stop_class) ends the class.
c.JupyterHub.cleanup_servers = False
c.JupyterHub.cleanup_proxy = False
c.JupyterHub.last_activity_interval = ACTIVITY_EVERY
c.ConfigurableHTTPProxy.command = [str(ROOT / "js" / "node_modules" / ".bin" / "configurable-http-proxy")]

# Who logs in: system accounts with their own passwords; the learners are the group bpcourse's members.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {"bpcourse"}
c.Authenticator.allowed_users = {INSTRUCTOR} - {""}

# Each server runs as its account (its home private, mode 700), from the course's environment. The
# learners' settings are in hub/learners/, the instructor's in hub/instructor/, nbgrader's for all in hub/everyone/.
c.JupyterHub.spawner_class = "localprocess"
# Limits by resource limits and niceness (prlimit, nice), as this machine has no systemd: every process of the
# server, its kernels included, may write to MEMORY_LIMIT bytes and runs NICE below the hub; each kernel of
# hub/jupyter/kernels/ (coursetools.hub.load_ipython_extension) explains a MemoryError and ends after CPU_LIMIT.
c.Spawner.cmd = limited([str(BIN / "jupyterhub-singleuser")], memory=MEMORY_LIMIT, nice=NICE)
c.Spawner.default_url = "/lab"
# The servers' kernels talk to them over Unix sockets in the account's own runtime folder, not over TCP ports
# of 127.0.0.1: with a class starting kernels at once, ports one server had picked were taken by another
# account's kernel (benchmarks/bench_hub_load.py saw it), and a socket in a private home is the account's alone.
# (ServerKernelManager: the server's own kernels; nbgrader's autograding kernels keep TCP, whose relative
# socket paths would not resolve between its process and its kernel's.)
c.Spawner.args = ["--ServerKernelManager.transport=ipc"]
c.Spawner.environment = {
    "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_CONFIG_PATH": lambda spawner: os.pathsep.join(
        [str(HERE / ("instructor" if spawner.user.name == INSTRUCTOR else "learners")), str(HERE / "everyone")]),
    "JUPYTER_PATH": str(HERE / "jupyter"),  # the kernel of hub/jupyter/kernels/python3, with the limits' messages
    "BPCOURSE_EXCHANGE": EXCHANGE,
    "BPCOURSE_KERNEL_CPU_SECONDS": str(CPU_LIMIT),
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(ACTIVITY_EVERY),
    "OPENBLAS_NUM_THREADS": "1",  # many learners share the cores: one BLAS thread each
}
c.Spawner.pre_spawn_hook = first_login(ROOT / "notebooks", COURSE, INSTRUCTOR)
c.Spawner.http_timeout = 120  # a class logging in at once on a small server: servers take a while to answer
c.Spawner.start_timeout = 300

# Idle servers end: jupyterhub-idle-culler stops a server without activity (a request from its pages, a kernel's
# message) for IDLE_TIMEOUT seconds; JupyterLab has saved the notebooks by then (it saves every 2 minutes), and the
# next login starts the server again on the same files. It ends with the hub (setpriv: its parent's death ends it).
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [*([shutil.which("setpriv"), "--pdeathsig", "TERM"] if shutil.which("setpriv") else []),
                sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}",
                f"--cull-every={max(5, min(600, IDLE_TIMEOUT // 3))}"],
}]
c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
                            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
