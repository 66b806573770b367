#!/usr/bin/python3
"""Executes colab_agent/notebook/tandem_agent.ipynb top to bottom with nbclient in local mode,
then trains with the real client against the agent the notebook started, and stops that agent.

  run_notebook.py --notebook NB --source REPO --tandem TANDEM --work DIR
                  [--agent PREBUILT_AGENT] [--direction listen|dial-out] [--bundle BUNDLE]

Without --agent the notebook builds tandem-agent itself with cmake (the opt-in slow path).
With --bundle it runs as in Colab rather than in local mode: the bundle lies in the notebook's
folder as if uploaded, cell 1 takes the sources from it and checks the apt packages.
Exits 0 on success; prints what failed otherwise.
"""

import argparse
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time

DATA_TRAIN_PER_CLASS = 24   # Fashion-MNIST, 10 classes: 240 training and 60 validation images
DATA_VAL_PER_CLASS = 6
CELL_TIMEOUT_S = 120
BUILD_CELL_TIMEOUT_S = 1500
CLIENT_TIMEOUT_S = 150


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def stop(pid):
    """Ends the agent the notebook started in its own session (and anything it started)."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def client_command(args, data, secret_path, agent):
    return [args.tandem, "train", "--data", str(data), "--agent", agent, "--secret-file", str(secret_path),
            "--size", "28", "--color", "gray", "--epochs", "1", "--batch", "32", "--threads", "2",
            "--device", "cpu", "--weights", "none"]


def check_client(output, code):
    print(output)
    if code != 0:
        fail(f"tandem train exited with {code}")
    if "Finished 1 epochs" not in output or "epoch 1 train" not in output:
        fail("tandem train did not report a finished epoch")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notebook", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--tandem", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--agent", help="prebuilt tandem-agent (TANDEM_NOTEBOOK_PREBUILT); omit to build in the notebook")
    parser.add_argument("--direction", choices=("listen", "dial-out"), default="listen")
    parser.add_argument("--bundle", help="agent bundle to 'upload' (not local mode)")
    args = parser.parse_args()

    try:
        import nbclient
        import nbformat
    except ImportError as error:
        fail(f"{error}: install python3-nbclient and python3-ipykernel (setup.sh deps)")

    started = time.monotonic()
    work = pathlib.Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    data = work / "fashion-mnist"
    sample = subprocess.run([args.tandem, "sample-data", "--out", str(data), "--train-per-class",
                             str(DATA_TRAIN_PER_CLASS), "--val-per-class", str(DATA_VAL_PER_CLASS)],
                            capture_output=True, text=True, timeout=120)
    if sample.returncode != 0:
        fail(f"tandem sample-data failed:\n{sample.stdout}{sample.stderr}")

    secret_path = work / "secret"
    secret_path.write_text(secrets.token_urlsafe(32) + "\n")
    secret_path.chmod(0o600)
    url_file, pid_file = work / "agent-url", work / "agent-pid"
    notebook_dir = work / "notebook"
    notebook_dir.mkdir()
    for variable in [v for v in os.environ if v.startswith("TANDEM_NOTEBOOK_")]:
        del os.environ[variable]
    env = {
        "TANDEM_NOTEBOOK_WORKDIR": str(notebook_dir),
        "TANDEM_NOTEBOOK_FOLLOW": "0",
        "TANDEM_NOTEBOOK_SECRET_FILE": str(secret_path),
        "TANDEM_NOTEBOOK_URL_FILE": str(url_file),
        "TANDEM_NOTEBOOK_PID_FILE": str(pid_file),
        "TANDEM_NOTEBOOK_DEVICE": "cpu",
    }
    if args.bundle:
        if args.direction != "dial-out":
            fail("--bundle runs outside local mode, where listening means a real tunnel: use --direction dial-out")
        shutil.copy(args.bundle, notebook_dir / "tandem-agent-bundle.tar.gz")
    else:
        env["TANDEM_NOTEBOOK_LOCAL"] = "1"
        env["TANDEM_NOTEBOOK_SOURCE"] = str(pathlib.Path(args.source).resolve())
    if args.agent:
        env["TANDEM_NOTEBOOK_PREBUILT"] = str(pathlib.Path(args.agent).resolve())

    client = None
    if args.direction == "listen":
        env["TANDEM_NOTEBOOK_DIRECTION"] = "listen-tunnel"
    else:
        # The app waits first; the notebook's agent dials it.
        port = free_port()
        env["TANDEM_NOTEBOOK_DIRECTION"] = "dial-out"
        env["TANDEM_NOTEBOOK_DESKTOP_URL"] = f"ws://127.0.0.1:{port}"
        client = subprocess.Popen(client_command(args, data, secret_path, f"listen:{port}"),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if not wait_for_port(port, client, 30):
            client.kill()
            fail(f"tandem train --agent listen:{port} did not start listening:\n{client.communicate()[0]}")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger warns about frozen modules
    os.environ.update(env)  # the kernel inherits this process's environment

    notebook = nbformat.read(args.notebook, as_version=4)
    nbformat.validate(notebook)
    executed_path = work / "executed.ipynb"
    agent_pid = None
    try:
        try:
            nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT_S if args.agent else BUILD_CELL_TIMEOUT_S,
                                    kernel_name="python3",
                                    resources={"metadata": {"path": str(work)}}).execute()
        except Exception as error:  # nbclient raises CellExecutionError with the cell's traceback
            fail(f"the notebook failed: {error}")
        finally:
            nbformat.write(notebook, executed_path)
            if pid_file.exists():
                agent_pid = int(pid_file.read_text())
        print(f"notebook executed in {time.monotonic() - started:.1f} s (saved as {executed_path})")

        outputs = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
        print(outputs)
        if args.bundle:
            expected = f"sources: {notebook_dir / 'tandem-agent'} (helper {notebook_dir / 'tandem-agent'}"
            if expected not in outputs or "local mode" in outputs:
                fail("cell 1 did not take the sources and its helper from the uploaded bundle")
        elif "local mode: apt-get skipped" not in outputs:
            fail("cell 1 did not run in local mode")
        if agent_pid is None:
            fail("the notebook wrote no agent pid")
        url = url_file.read_text().strip()

        if args.direction == "listen":
            if not url.startswith("ws://127.0.0.1:") or f"tandem-agent listens on {url}" not in outputs:
                fail(f"the notebook printed no local listening URL (url file: {url!r})")
            run = subprocess.run(client_command(args, data, secret_path, url), capture_output=True, text=True,
                                 timeout=CLIENT_TIMEOUT_S)
            check_client(run.stdout + run.stderr, run.returncode)
        else:
            try:
                output, _ = client.communicate(timeout=CLIENT_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                client.kill()
                fail(f"tandem train did not finish within {CLIENT_TIMEOUT_S} s:\n{client.communicate()[0]}")
            check_client(output, client.returncode)
    finally:
        if client is not None and client.poll() is None:
            client.kill()
        if agent_pid is not None:
            stop(agent_pid)
        log = notebook_dir / "tandem-agent.log"
        if log.exists():
            print("---- agent log (tail) ----\n" + "".join(log.read_text(errors="replace").splitlines(True)[-20:]))
    print(f"notebook test ({args.direction}) passed in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
