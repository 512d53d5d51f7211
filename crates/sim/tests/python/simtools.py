"""Helpers of the boto3 tests: run `decom sim` as a process, make clients, poll.

The binary is $DECOM_BIN (default target/debug/decom relative to the
repository root); the simulator's address is read from its first stdout line.
"""

import contextlib
import os
import pathlib
import signal
import subprocess
import time

import boto3
from botocore.config import Config

REPO_ROOT = pathlib.Path(__file__).resolve().parents[4]

# The simulator's own keys: they act in its --account-id.
BASE_KEYS = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "secret"}


def _decom_bin():
    path = os.environ.get("DECOM_BIN", "target/debug/decom")
    p = pathlib.Path(path)
    return p if p.is_absolute() else REPO_ROOT / p


@contextlib.contextmanager
def running_sim(*flags):
    """`decom sim --listen 127.0.0.1:0 FLAGS…`, yielding its endpoint URL;
    stopped with SIGTERM, which must end it with status 0."""
    proc = subprocess.Popen(
        [str(_decom_bin()), "sim", "--listen", "127.0.0.1:0", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        prefix = "decom sim listening on "
        assert line.startswith(prefix), f"unexpected first line: {line!r}; stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
        yield line[len(prefix):]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert rc == 0, f"decom sim exited with {rc}"


def client(service, endpoint, region="us-east-1", credentials=None, parameter_validation=True):
    """A boto3 client of `service` at the simulator, signing with
    `credentials` (boto3 keyword arguments; default: the base keys)."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        config=Config(
            retries={"max_attempts": 3, "mode": "standard"},
            parameter_validation=parameter_validation,
        ),
        **(credentials or BASE_KEYS),
    )


def wait_for(fn, what, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
