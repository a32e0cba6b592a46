"""Fixtures for validation tests: a stored use case with a proposal, tmp_path targets, and a real
S3-compatible server (moto's standalone server, from the dev dependency moto[server])."""
import subprocess
import sys
import time

import pytest

from tests.conftest import free_port

MiB = 1 << 20

# A proposal document as the rules engine stores it; only the fields the plan reads matter.
PROPOSAL = {
    "use_case": {"workload": "llm_training", "gpus": 16, "name": "validation test"},
    "requirements": {
        "checkpoint": {"total_bytes": 16 * 2**30, "files": 16, "write_bytes_per_s": 4e9,
                       "restore_bytes_per_s": 2e9},
        "training_data": {"read_bytes_per_s": 1.6e9, "sample_bytes": 150_528, "batch_size": 4,
                          "step_time_s": 0.02, "au_min": 0.9},
    },
    "tiers": [{"tier": "shared_fast", "nodes": 2}],
    "proposals": [], "findings": [],
}


@pytest.fixture
def use_case(user):
    from recommender.models import Proposal, UseCase

    uc = UseCase.objects.create(owner=user, name="validation test", workload="llm_training",
                                document=PROPOSAL["use_case"])
    Proposal.objects.create(use_case=uc, document=PROPOSAL)
    return uc


@pytest.fixture
def make_target(db, tmp_path):
    from recommender.validation.models import Target

    def make(name="default", queue="advisor", cap=48 * MiB, block="", public=True, users=()):
        path = tmp_path / f"target-{name}"
        path.mkdir()
        target = Target.objects.create(name=name, host_queue=queue, path=str(path), block=block,
                                       size_cap_bytes=cap, free_floor_bytes=0, public=public)
        target.allowed_users.add(*users)
        return target

    return make


def wait_for(get, done, timeout_s=90.0, every_s=0.1):
    """Poll get() until done(value) holds; returns every value seen (last one last)."""
    seen, deadline = [], time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        seen.append(get())
        if done(seen[-1]):
            return seen
        time.sleep(every_s)
    raise AssertionError(f"timed out; last value: {seen[-1] if seen else None}")


@pytest.fixture(scope="session")
def s3_server():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    from recommender.validation import s3probes

    client = s3probes.client(url, "testing-key", "testing-secret")
    deadline = time.monotonic() + 30
    while True:
        try:
            client.list_buckets()
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.2)
    client.create_bucket(Bucket="advisor-test")
    yield url
    proc.terminate()
    proc.wait(timeout=10)
