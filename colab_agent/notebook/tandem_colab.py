"""Helpers of tandem_agent.ipynb: install what is missing, build tandem-agent, start it.

The notebook's cells stay short and call these functions; the same code runs in Colab, on any
Linux GPU machine with Jupyter, and in Tandem's own test (local mode, see below).

Environment variables (for automation and the test; a person in Colab sets none of them):
  TANDEM_NOTEBOOK_LOCAL=1          local mode: no apt-get, no tunnel, the agent runs in the
                                   background and the cell returns; the sources are the checkout
                                   at TANDEM_NOTEBOOK_SOURCE
  TANDEM_NOTEBOOK_PREBUILT=PATH    use this tandem-agent instead of building one
  TANDEM_NOTEBOOK_WORKDIR=DIR      where the build, logs and secret file go (default: /content in
                                   Colab, else the current folder)
  TANDEM_NOTEBOOK_DIRECTION, TANDEM_NOTEBOOK_DESKTOP_URL, TANDEM_NOTEBOOK_SECRET_FILE
                                   override the second cell's DIRECTION, DESKTOP_URL and SECRET
  TANDEM_NOTEBOOK_URL_FILE=PATH    write the URL the agent listens on (or dials) to PATH
  TANDEM_NOTEBOOK_PID_FILE=PATH    write the agent's process id to PATH
  TANDEM_NOTEBOOK_DEVICE           --device for the agent (default auto)
  TANDEM_NOTEBOOK_FOLLOW=0|1       whether cell 2 shows the agent's log until it exits (default:
                                   yes, except in local mode)
"""

import os
import pathlib
import re
import math
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request

LISTEN_PREFIX = "tandem-agent listening on "
built_agent = None        # set by install_and_build(), used by start_agent()
current = None            # the Agent start_agent() started last; a new start stops it first
CLOUDFLARED_URL = "https://github.com/cloudflare/cloudflared/releases/latest/download/cloudflared-linux-amd64"
TUNNEL_URL_RE = re.compile(r"https://[-a-z0-9]+\.trycloudflare\.com")
DEFAULT_PORT = 8765
START_TIMEOUT_S = 60      # the agent prints its listening line within a second or two
TUNNEL_TIMEOUT_S = 90     # cloudflared usually has its URL after 5-15 s


def is_local():
    return os.environ.get("TANDEM_NOTEBOOK_LOCAL") == "1"


def workdir():
    default = "/content" if pathlib.Path("/content").is_dir() else "."
    path = pathlib.Path(os.environ.get("TANDEM_NOTEBOOK_WORKDIR", default)).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def run(command, **kwargs):
    """Runs a command, showing its output as it comes; raises with the last lines on failure."""
    print("$", " ".join(str(c) for c in command), flush=True)
    process = subprocess.Popen([str(c) for c in command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", **kwargs)
    tail = []
    for line in process.stdout:
        tail = (tail + [line])[-40:]
        print(line, end="", flush=True)
    if process.wait() != 0:
        raise RuntimeError(f"{command[0]} failed (exit {process.returncode}); last lines:\n{''.join(tail)}")


# ---- cell 1: install, build, report the GPU --------------------------------------------------

def os_release():
    values = {}
    try:
        for line in pathlib.Path("/etc/os-release").read_text().splitlines():
            key, _, value = line.partition("=")
            values[key] = value.strip('"')
    except OSError:
        pass
    return values


def needed_packages():
    """Debian/Ubuntu packages the agent's build needs (all in Ubuntu 22.04's and Debian's archives). Ubuntu 22.04 (Colab today) names Qt
    WebSockets' dev package libqt6websockets6-dev; 24.04 and Debian name it qt6-websockets-dev."""
    release = os_release()
    websockets = "libqt6websockets6-dev" if release.get("VERSION_ID") == "22.04" else "qt6-websockets-dev"
    # The wire's image codecs (core/imagecodec: TurboJPEG, libpng) and XXH3 (the sample cache's checksums).
    codecs = ["pkg-config", "libturbojpeg0-dev", "libpng-dev", "libxxhash-dev"]
    return ["cmake", "g++", "make", "qt6-base-dev", websockets] + codecs


def installed(package):
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return "install ok installed" in result.stdout


def install_missing():
    missing = [p for p in needed_packages() if not installed(p)]
    if not missing:
        print("apt: everything needed is installed")
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(sudo + ["apt-get", "update", "-qq"], env=env)
    run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing, env=env)


def torch_cmake_prefix():
    """The folder that holds Torch/TorchConfig.cmake: the notebook's own PyTorch when it ships its
    CMake files (pip wheels do), else the system's libtorch-dev (Debian's python3-torch reports a
    cmake_prefix_path that does not exist)."""
    candidates = []
    try:
        import torch  # noqa: F401  (the notebook's PyTorch, whatever python runs the kernel)
        candidates.append(pathlib.Path(torch.utils.cmake_prefix_path))
    except ImportError:
        pass
    multiarch = subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True).stdout.strip()
    for base in ("/usr/lib/" + multiarch, "/usr/lib", "/usr/local/lib", "/usr/local"):
        candidates.append(pathlib.Path(base) / "cmake")
    for candidate in candidates:
        if (candidate / "Torch" / "TorchConfig.cmake").is_file():
            return candidate
    raise RuntimeError("no libtorch CMake files found: install PyTorch (pip install torch) or libtorch-dev")


def build_agent(source, build_dir=None, jobs=None):
    """Configures and builds tandem-agent from `source` (a checkout or an extracted bundle)."""
    source = pathlib.Path(source).resolve()
    build_dir = pathlib.Path(build_dir or workdir() / "tandem-build")
    prefix = torch_cmake_prefix()
    print(f"libtorch CMake files: {prefix}")
    configure = ["cmake", "-S", source, "-B", build_dir, "-DTANDEM_AGENT_ONLY=ON", "-DCMAKE_BUILD_TYPE=Release",
                 f"-DCMAKE_PREFIX_PATH={prefix}"]
    nvcc = pathlib.Path("/usr/local/cuda/bin/nvcc")
    if nvcc.is_file() and not shutil.which("nvcc"):
        configure.append(f"-DCUDAToolkit_ROOT={nvcc.parent.parent}")  # Colab: nvcc is not on PATH
    run(configure)
    # Colab has no ninja: Makefiles, with every core (the libtorch files take ~25 s each).
    run(["cmake", "--build", build_dir, "--target", "tandem-agent", "-j", str(jobs or os.cpu_count() or 2)])
    agent = build_dir / "colab_agent" / "tandem-agent"
    if not agent.is_file():
        raise RuntimeError(f"the build finished but {agent} is missing")
    return agent


def describe_gpu():
    """One line about the accelerator the agent will use."""
    lines = []
    if shutil.which("nvidia-smi"):
        query = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
                               capture_output=True, text=True)
        if query.returncode == 0 and query.stdout.strip():
            lines.append("nvidia-smi: " + query.stdout.strip().replace("\n", "; "))
    try:
        import torch
        if torch.cuda.is_available():
            lines.append(f"PyTorch {torch.__version__} sees {torch.cuda.get_device_name(0)}")
        else:
            lines.append(f"PyTorch {torch.__version__} sees no CUDA device")
    except ImportError:
        lines.append("PyTorch is not importable here")
    if not any("sees" in line and "no CUDA" not in line for line in lines):
        lines.append("No GPU: the agent will train on the CPU (in Colab: Runtime > Change runtime type > GPU).")
    return "\n".join(lines)


def install_and_build(source):
    """Cell 1: apt-get what is missing, build tandem-agent against this notebook's PyTorch (or take
    the prebuilt one named by TANDEM_NOTEBOOK_PREBUILT), print the GPU. Returns the agent's path."""
    started = time.monotonic()
    print(f"sources: {pathlib.Path(source).resolve()} (helper {pathlib.Path(__file__).resolve()})")
    if is_local():
        print("local mode: apt-get skipped")
    else:
        install_missing()
    prebuilt = os.environ.get("TANDEM_NOTEBOOK_PREBUILT")
    if prebuilt:
        agent = pathlib.Path(prebuilt).resolve()
        if not (agent.is_file() and os.access(agent, os.X_OK)):
            raise RuntimeError(f"TANDEM_NOTEBOOK_PREBUILT={prebuilt} is not an executable")
        print(f"using the prebuilt agent {agent}")
    else:
        agent = build_agent(source)
    version = subprocess.run([agent, "--version"], capture_output=True, text=True)
    print((version.stdout or version.stderr).strip() or f"{agent.name} ready")
    print(describe_gpu())
    print(f"cell 1 done in {time.monotonic() - started:.0f} s: {agent}")
    global built_agent
    built_agent = agent
    return agent


# ---- cell 2: start the agent -----------------------------------------------------------------

class Agent:
    """A started tandem-agent (and its tunnel): where it is, its log, how to stop it."""

    def __init__(self, process, log_path, url, tunnel=None):
        self.process = process
        self.log_path = log_path
        self.url = url
        self.tunnel = tunnel

    @property
    def pid(self):
        return self.process.pid

    def running(self):
        return self.process.poll() is None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def follow(self):
        """Shows the agent's log as it grows until the agent exits; interrupting stops only the view."""
        shown = 0
        try:
            while True:
                text = self.log()
                print(text[shown:], end="", flush=True)
                shown = len(text)
                if not self.running():
                    print(f"\ntandem-agent exited with code {self.process.returncode}")
                    return
                time.sleep(1)
        except KeyboardInterrupt:
            print("\n(stopped following the log; the agent keeps running: agent.stop() ends it)")

    def stop(self):
        for process in (self.tunnel, self.process):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        print("tandem-agent stopped")


def secret_bits(secret):
    """The agent's estimate of a secret's strength (PROTOCOL.md section 5): length x log2 of the
    alphabet of the character classes used (a-z 26, A-Z 26, 0-9 10, other printable ASCII 33, other 128)."""
    data = secret.encode("utf-8")
    classes = {"lower": 0, "upper": 0, "digit": 0, "symbol": 0, "other": 0}
    for c in data:
        if 97 <= c <= 122:
            classes["lower"] = 26
        elif 65 <= c <= 90:
            classes["upper"] = 26
        elif 48 <= c <= 57:
            classes["digit"] = 10
        elif 32 <= c < 127:
            classes["symbol"] = 33
        else:
            classes["other"] = 128
    alphabet = sum(classes.values())
    return len(data) * math.log2(alphabet) if alphabet > 1 else 0.0


def secret_file(secret):
    """The secret goes to a private file for --secret-file: never on a command line or in a URL."""
    path = workdir() / "tandem-secret"
    override = os.environ.get("TANDEM_NOTEBOOK_SECRET_FILE")
    if override:
        return pathlib.Path(override), None
    generated = None
    if not secret:
        secret = generated = secrets.token_urlsafe(32)
    elif secret_bits(secret.strip()) < 128:
        raise ValueError(f"SECRET is too weak: about {int(secret_bits(secret.strip()))} bits, the agent needs 128 "
                         "(length x log2 of the alphabet of its character classes); leave SECRET empty to generate one")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secret.strip() + "\n")
    return path, generated


def check_url(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ValueError(f"DESKTOP_URL {url!r}: expected ws://HOST:PORT or wss://HOST (where the Tandem app listens)")
    if parts.username or parts.password or parts.query:
        raise ValueError("DESKTOP_URL: the secret must not travel in the URL; put it in SECRET")
    if parts.hostname.endswith("example.org"):
        raise ValueError("DESKTOP_URL still holds the example: set it to the URL where the Tandem app waits")


def wait_for(log_path, pattern, process, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        match = pattern.search(text)
        if match:
            return match
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}:\n{text[-3000:]}")
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {timeout_s} s:\n{text[-3000:]}")


def ensure_cloudflared():
    found = shutil.which("cloudflared")
    if found:
        return pathlib.Path(found)
    path = workdir() / "cloudflared"
    if not path.is_file():
        print(f"downloading cloudflared from {CLOUDFLARED_URL}")
        with urllib.request.urlopen(CLOUDFLARED_URL, timeout=120) as response, open(path, "wb") as out:
            shutil.copyfileobj(response, out)
        path.chmod(0o755)
    return path


def start_agent(direction, desktop_url="", secret="", agent=None, port=DEFAULT_PORT, follow=None):
    """Cell 2. direction "dial-out": the agent connects to desktop_url, where the Tandem app waits
    (`tandem train --agent listen:8765 …`). direction "listen-tunnel": the agent listens on
    127.0.0.1:port and a cloudflared quick tunnel prints the wss:// URL to paste into the app.
    In local mode the agent listens on a free port, no tunnel starts, and the cell returns."""
    direction = os.environ.get("TANDEM_NOTEBOOK_DIRECTION", direction)
    desktop_url = os.environ.get("TANDEM_NOTEBOOK_DESKTOP_URL", desktop_url)
    if direction not in ("dial-out", "listen-tunnel"):
        raise ValueError(f"DIRECTION {direction!r}: expected 'dial-out' or 'listen-tunnel'")
    if direction == "dial-out":
        check_url(desktop_url)
    if not (agent or built_agent):
        raise RuntimeError("run the first cell first: it builds tandem-agent")
    agent = pathlib.Path(agent or built_agent)
    global current
    if current is not None and current.running():
        print("stopping the agent this notebook started before")
        current.stop()
    local = is_local()
    if follow is None:
        follow = os.environ.get("TANDEM_NOTEBOOK_FOLLOW", "0" if local else "1") == "1"
    work = workdir()
    secret_path, generated = secret_file(secret)
    log_path = work / "tandem-agent.log"
    command = [str(agent), "--secret-file", str(secret_path), "--device", os.environ.get("TANDEM_NOTEBOOK_DEVICE", "auto")]
    if direction == "dial-out":
        command += ["--connect", desktop_url]
    else:
        command += ["--listen", f"127.0.0.1:{0 if local else port}"]
    with open(log_path, "w") as log:
        # Its own session: the agent outlives this kernel in local mode, and Ctrl-C here spares it.
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    print(f"started tandem-agent (pid {process.pid}); log: {log_path}")
    if generated:
        print(f"no SECRET given: generated one for this session, give it to the Tandem app:\n  {generated}")

    url = desktop_url
    tunnel = None
    if direction == "listen-tunnel":
        match = wait_for(log_path, re.compile(re.escape(LISTEN_PREFIX) + r"(\S+)"), process, START_TIMEOUT_S, "tandem-agent")
        url = match.group(1)
        print(f"tandem-agent listens on {url}")
        if not local:
            listen_port = urllib.parse.urlsplit(url).port
            tunnel_log = work / "cloudflared.log"
            with open(tunnel_log, "w") as log:
                tunnel = subprocess.Popen([str(ensure_cloudflared()), "tunnel", "--no-autoupdate", "--url",
                                           f"http://127.0.0.1:{listen_port}"], stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True)
            public = wait_for(tunnel_log, TUNNEL_URL_RE, tunnel, TUNNEL_TIMEOUT_S, "cloudflared").group(0)
            url = "wss://" + public[len("https://"):]
            print("\nPaste this URL into the Tandem app (Connection: agent URL), with the same secret:")
            print(f"  {url}")
            print(f"  or: tandem train --agent {url} --secret-file FILE …")
            print("The quick tunnel's URL changes on every start; it closes connections idle for ~100 s.")
    else:
        time.sleep(1)
        if process.poll() is not None:
            raise RuntimeError(f"tandem-agent exited with code {process.returncode}:\n{log_path.read_text()[-3000:]}")
        print(f"tandem-agent dials {desktop_url}: start the Tandem app's side with "
              "`tandem train --agent listen:PORT …` (or Connection: wait for the agent)")

    for variable, value in (("TANDEM_NOTEBOOK_URL_FILE", url), ("TANDEM_NOTEBOOK_PID_FILE", str(process.pid))):
        if os.environ.get(variable):
            pathlib.Path(os.environ[variable]).write_text(value + "\n")
    started = current = Agent(process, log_path, url, tunnel)
    if follow:
        started.follow()
    return started
