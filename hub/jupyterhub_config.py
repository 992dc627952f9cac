"""The course's JupyterHub: `sudo make hub` serves this checkout to a class at http://127.0.0.1:8000.

Every learner is a system account in the group `bpcourse` and logs in with its own password (PAM); its
server runs as that account, from the course's environment. The instructor is the account named by
`make hub INSTRUCTOR=name`: its server has nbgrader's formgrader and works in the course built by
`make assignments`. README, "A class on a hub", says how to add learners, put the hub behind TLS and use
another authenticator. The Makefile passes the folders below as environment variables.
"""
import os
import pathlib
import sys

from coursetools.hub import closed_directories, first_login

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = pathlib.Path(sys.executable).parent  # the course's environment: make hub runs its jupyterhub
INSTRUCTOR = os.environ.get("BPCOURSE_INSTRUCTOR", "")
COURSE = os.environ.get("BPCOURSE_COURSE", str(ROOT / "course"))
EXCHANGE = os.environ.get("BPCOURSE_EXCHANGE", "/srv/nbgrader/exchange")
STATE = pathlib.Path(os.environ.get("BPCOURSE_HUB_STATE", HERE / "state"))

if os.geteuid() != 0:
    sys.exit("make hub: run it as root (sudo make hub): the hub starts each learner's server as that learner's account")
closed = closed_directories(sys.executable, ROOT, COURSE)
if closed:
    sys.exit(f"make hub: the learners' accounts cannot enter {', '.join(closed)}, on the way to the course's environment "
             f"or this checkout; let them pass (chmod o+x {' '.join(closed)}) or set the course up where they can "
             "(README, 'A class on a hub')")
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
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.ConfigurableHTTPProxy.command = [str(ROOT / "js" / "node_modules" / ".bin" / "configurable-http-proxy")]

# Who logs in: system accounts with their own passwords; the learners are the group bpcourse's members.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {"bpcourse"}
c.Authenticator.allowed_users = {INSTRUCTOR} - {""}

# Each server runs as its account (its home private, mode 700), from the course's environment. The
# learners' settings are in hub/learners/, the instructor's in hub/instructor/, nbgrader's for all in hub/everyone/.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
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
    "BPCOURSE_EXCHANGE": EXCHANGE,
    "OPENBLAS_NUM_THREADS": "1",  # many learners share the cores: one BLAS thread each
}
c.Spawner.pre_spawn_hook = first_login(ROOT / "notebooks", COURSE, INSTRUCTOR)
c.Spawner.http_timeout = 120  # a class logging in at once on a small server: servers take a while to answer
c.Spawner.start_timeout = 300
