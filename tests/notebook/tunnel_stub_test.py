#!/usr/bin/python3
"""The notebook's listen-tunnel path outside local mode, with a stand-in cloudflared on PATH:
tandem_colab.start_agent() must start the agent on 127.0.0.1:PORT, start the tunnel for exactly
that port, and turn the quick tunnel's https:// URL into the wss:// URL it prints and returns.

  tunnel_stub_test.py SOURCE_DIR AGENT WORK
"""

import os
import pathlib
import shutil
import socket
import stat
import sys

source, agent, work = (pathlib.Path(a).resolve() for a in sys.argv[1:4])
shutil.rmtree(work, ignore_errors=True)
(work / "bin").mkdir(parents=True)
stub = work / "bin" / "cloudflared"
stub.write_text("#!/bin/sh\n"
                f"echo \"$@\" > {work}/cloudflared-args\n"
                "echo 'INF Requesting new quick Tunnel on trycloudflare.com...' >&2\n"
                "echo 'INF |  https://calm-river-1234.trycloudflare.com  |' >&2\n"
                "exec sleep 60\n")
stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
os.environ["PATH"] = f"{work / 'bin'}:{os.environ['PATH']}"
os.environ["TANDEM_NOTEBOOK_WORKDIR"] = str(work / "notebook")
os.environ["TANDEM_NOTEBOOK_DEVICE"] = "cpu"
for variable in [v for v in os.environ if v.startswith("TANDEM_NOTEBOOK_") and v not in
                 ("TANDEM_NOTEBOOK_WORKDIR", "TANDEM_NOTEBOOK_DEVICE")]:
    del os.environ[variable]
sys.path.insert(0, str(source / "colab_agent" / "notebook"))
import tandem_colab  # noqa: E402

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
started = tandem_colab.start_agent("listen-tunnel", "", "", agent=agent, port=port, follow=False)
try:
    assert started.url == "wss://calm-river-1234.trycloudflare.com", started.url
    args = (work / "cloudflared-args").read_text().split()
    assert args == ["tunnel", "--no-autoupdate", "--url", f"http://127.0.0.1:{port}"], args
    assert f"listening on ws://127.0.0.1:{port}" in started.log(), started.log()
    secret = (work / "notebook" / "tandem-secret")
    assert secret.stat().st_mode & 0o077 == 0, "the generated secret file is readable by others"
    assert len(secret.read_text().strip()) >= 40
    try:
        tandem_colab.start_agent("dial-out", "wss://your-desktop.example.org", "s", agent=agent, follow=False)
        raise AssertionError("the placeholder DESKTOP_URL was accepted")
    except ValueError as error:
        assert "example" in str(error)
finally:
    started.stop()
assert not started.running() and started.tunnel.poll() is not None
print("tunnel stub test passed")
