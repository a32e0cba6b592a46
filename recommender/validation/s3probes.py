"""Pure: probes on an S3-compatible bucket through boto3 — checkpoint multipart PUT and GET, ranged
GETs for samples and index pages, whole-object GETs for KV blocks — with throughput, ops/s and time
to first byte (TTFB) p50/p99. Every object lives under a per-run prefix holding a marker object;
cleanup deletes only keys under that prefix. No Django here."""
import os
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from . import probes, workloads

MiB = 1 << 20
# boto3 TransferConfig: multipart_chunksize 8 MiB, max_concurrency 10 (boto3 docs, S3 transfers).
PART_BYTES = 8 * MiB
RUN_PREFIX = "advisor-validation-"
MARKER_KEY = ".advisor-validation-run"
S3_PROBES = {"checkpoint_write", "training_reads", "kv_block_reads", "model_load", "rag_index_reads"}


class S3Error(Exception):
    """The bucket could not be reached or refused a request (message says which)."""


def client(endpoint_url, key_id="", secret="", region=""):
    """A boto3 S3 client; credentials from the target's secret, else the worker's AWS_* environment."""
    import boto3
    from botocore.config import Config

    creds = {"aws_access_key_id": key_id, "aws_secret_access_key": secret} if key_id else {}
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region or os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
                        config=Config(max_pool_connections=64, retries={"max_attempts": 2},
                                      s3={"addressing_style": "path"}), **creds)


class RunPrefix:
    """The run's own key prefix in the bucket, with a marker object; `cleanup` deletes only it."""

    def __init__(self, s3, bucket, label, size_cap_bytes, base=""):
        self.s3, self.bucket, self.size_cap_bytes = s3, bucket, size_cap_bytes
        base = base.strip("/") + "/" if base.strip("/") else ""
        self.prefix = f"{base}{RUN_PREFIX}{label}-{uuid.uuid4().hex[:8]}/"
        self.kept_bytes = 0

    def __enter__(self):
        self.s3.put_object(Bucket=self.bucket, Key=self.prefix + MARKER_KEY, Body=b'{"app": "ai-storage-advisor"}')
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def reserve(self, nbytes):
        if self.kept_bytes + nbytes > self.size_cap_bytes:
            raise S3Error(f"size_cap_bytes: writing {nbytes} bytes would keep {self.kept_bytes + nbytes} "
                          f"bytes in the bucket, over its cap of {self.size_cap_bytes} bytes")
        self.kept_bytes += nbytes

    def cleanup(self, keep_marker=False):
        keys = self.keys()
        if keep_marker:
            keys = [k for k in keys if not k.endswith(MARKER_KEY)]
        for i in range(0, len(keys), 1000):
            self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]]})
        self.kept_bytes = 0

    def keys(self):
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]


def _ttfb(ops):
    return probes.percentiles([op[3] for op in ops])


def _summary(ops, **extra):
    base = probes.summary([op[:3] for op in ops], 0, 0, **extra)
    base["ttfb_s"] = _ttfb(ops)
    del base["series"]
    return base


def put_multipart(run, key, nbytes, part_bytes, until=None):
    """One object by multipart upload; ops are (t_end, bytes, latency, ttfb) per part. With `until`
    (time.perf_counter) no part starts after it (the object then holds the parts sent, at least one)."""
    s3, bucket, body, ops = run.s3, run.bucket, os.urandom(min(part_bytes, nbytes)), []
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts, left, number = [], nbytes, 1
    while left > 0 and (not parts or until is None or time.perf_counter() < until):
        chunk = body if left >= len(body) else body[:left]
        t0 = time.perf_counter()
        etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=chunk)["ETag"]
        t1 = time.perf_counter()
        ops.append((t1, len(chunk), t1 - t0, t1 - t0))
        parts.append({"ETag": etag, "PartNumber": number})
        left, number = left - len(chunk), number + 1
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})
    return ops


def get(run, key, byte_range=None):
    """One GET, timed to the first byte and to the last; → (t_end, bytes, latency, ttfb)."""
    args = {"Bucket": run.bucket, "Key": key, **({"Range": f"bytes={byte_range[0]}-{byte_range[1]}"} if byte_range else {})}
    t0 = time.perf_counter()
    body = run.s3.get_object(**args)["Body"]
    first = body.read(1)
    t_first = time.perf_counter()
    rest = body.read()
    t1 = time.perf_counter()
    return (t1, len(first) + len(rest), t1 - t0, t_first - t0)


def parallel(fn, items, threads):
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        return [op for ops in pool.map(fn, items) for op in ops]


# The checkpoint's PUTs stop starting parts at this share of its deadline; the GETs of what was put
# take about as long again.
PUT_SHARE = 0.45


def checkpoint(run, writers, object_bytes, deadline_s):
    """Checkpoint: every rank PUTs its shard by multipart upload at once, then GETs it back; the
    PUTs stop at PUT_SHARE of the deadline (a shard then holds the parts sent, and says so)."""
    run.reserve(writers * object_bytes)
    keys = [f"{run.prefix}rank{i:04d}.ckpt" for i in range(writers)]
    until = time.perf_counter() + deadline_s * PUT_SHARE
    written = parallel(lambda k: put_multipart(run, k, object_bytes, PART_BYTES, until), keys, writers)
    read = parallel(lambda k: [get(run, k)], keys, writers)
    object_bytes_written = sum(op[1] for op in written) // writers
    return ({"checkpoint_write": _summary(written, writers=writers, object_bytes=object_bytes_written,
                                          object_bytes_planned=object_bytes,
                                          scaled_to_budget=object_bytes_written < object_bytes,
                                          part_bytes=PART_BYTES, method="S3 multipart PUT"),
             "checkpoint_restore": _summary(read, readers=writers, method="S3 GET")})


def ranged_reads(run, object_bytes, read_bytes, threads, deadline_s, name, seed=0):
    """Random ranged GETs of `read_bytes` from one object (samples, index pages)."""
    deadline = time.perf_counter() + deadline_s  # putting the object counts in the probe's time
    run.reserve(object_bytes)
    key = f"{run.prefix}{name}.dat"
    run.s3.put_object(Bucket=run.bucket, Key=key, Body=os.urandom(object_bytes))
    slots = max(1, object_bytes // read_bytes)

    def worker(i):
        rng, ops = random.Random(seed + i), []
        while time.perf_counter() < deadline:
            start = rng.randrange(slots) * read_bytes
            ops.append(get(run, key, (start, start + read_bytes - 1)))
        return ops

    return _summary(parallel(worker, range(threads), threads), threads=threads, read_bytes=read_bytes,
                    method="S3 ranged GET")


def put_until(run, keys, body, threads, until, at_least=2):
    """PUT `body` under `keys` in parallel, no PUT starting after `until` once `at_least` are in;
    → the keys put (set-up counts in a probe's time)."""
    run.reserve(len(body) * len(keys))
    done, lock, queue_ = [], threading.Lock(), list(reversed(keys))

    def worker(_):
        while True:
            with lock:
                if not queue_ or (len(done) >= at_least and time.perf_counter() >= until):
                    return []
                key = queue_.pop()
            run.s3.put_object(Bucket=run.bucket, Key=key, Body=body)
            with lock:
                done.append(key)

    parallel(worker, range(threads), threads)
    return sorted(done)


def block_gets(run, block_bytes, blocks, threads, deadline_s):
    """KV blocks as objects: random whole-object GETs; the blocks are put first, within
    probes.PREP_SHARE of the deadline (at least two)."""
    start = time.perf_counter()
    deadline = start + deadline_s  # putting the blocks counts in the probe's time
    keys = put_until(run, [f"{run.prefix}kv/{i:06d}" for i in range(blocks)], os.urandom(block_bytes),
                     threads, start + deadline_s * probes.PREP_SHARE)

    def worker(i):
        rng, ops = random.Random(i), []
        while time.perf_counter() < deadline:
            ops.append(get(run, keys[rng.randrange(len(keys))]))
        return ops

    return _summary(parallel(worker, range(threads), threads), threads=threads, block_bytes=block_bytes,
                    blocks=len(keys), blocks_planned=blocks, scaled_to_budget=len(keys) < blocks,
                    method="S3 GET per KV block")


def model_load(run, readers, shard_bytes, deadline_s):
    """Model cold start: `readers` shard objects put first, sized so that putting them takes at most
    probes.PREP_SHARE of the deadline (one 1 MiB PUT measures the rate), then GET all at once."""
    start = time.perf_counter()
    probe_key = f"{run.prefix}model-rate.probe"
    run.reserve(MiB)
    t0 = time.perf_counter()
    run.s3.put_object(Bucket=run.bucket, Key=probe_key, Body=os.urandom(MiB))
    rate = MiB / max(time.perf_counter() - t0, 1e-6)
    prep_left = start + deadline_s * probes.PREP_SHARE - time.perf_counter()
    fitted = int(rate * max(prep_left, 0.0) * min(readers, 8) / readers) // MiB * MiB
    size = max(MiB, min(shard_bytes, fitted))
    keys = [f"{run.prefix}model-{i + 1:05d}-of-{readers:05d}.safetensors" for i in range(readers)]
    body = os.urandom(size)
    run.reserve(size * readers)
    parallel(lambda k: [run.s3.put_object(Bucket=run.bucket, Key=k, Body=body)], keys, readers)
    read = parallel(lambda k: [get(run, k)], keys, readers)
    return _summary(read, readers=readers, shard_bytes=size, shard_bytes_planned=shard_bytes,
                    scaled_to_budget=size < shard_bytes, method="S3 GET, one per shard, all at once")


def run_step(run, step, deadline_s):
    """One plan step on S3 → {probe name: figures}; steps with no S3 form say so."""
    probe = step["probe"]
    small = min(run.size_cap_bytes // 2, 64 * MiB)
    if probe == "checkpoint_write":
        size = max(PART_BYTES, min(step["file_bytes"], small // step["writers"]) // PART_BYTES * PART_BYTES)
        return checkpoint(run, step["writers"], size, deadline_s)
    if probe == "model_load":
        return {"model_load": model_load(run, step["readers"], max(MiB, min(step["file_bytes"], small // step["readers"])),
                                         deadline_s)}
    if probe == "training_reads":
        size = workloads.align(step["sample_bytes"])
        return {"training_reads": ranged_reads(run, max(size * 4, min(small, size * 256)), size,
                                               step["read_threads"], deadline_s, "samples")}
    if probe == "rag_index_reads":
        return {"rag_index_reads": ranged_reads(run, min(small, 16 * MiB), step["page_bytes"],
                                                step["threads"], deadline_s, "index")}
    if probe == "kv_block_reads":
        blocks = max(2, min(64, small // step["block_bytes"]))
        return {"kv_block_reads": block_gets(run, step["block_bytes"], blocks, step["threads"], deadline_s)}
    return {}


def execute(steps, s3, bucket, size_cap_bytes, progress, label="run", base_prefix=""):
    """Run the plan's S3-capable steps under a fresh run prefix (inside `base_prefix`, if given);
    always delete what the run put."""
    results, log = {}, []
    skipped = [s["probe"] for s in steps if s["probe"] not in S3_PROBES]
    steps = [s for s in steps if s["probe"] in S3_PROBES]
    total = sum(s["deadline_s"] for s in steps) or 1.0
    started, done = time.perf_counter(), 0.0
    with RunPrefix(s3, bucket, label, size_cap_bytes, base_prefix) as run:
        for step in steps:
            t0 = time.perf_counter()
            # over by its share of the plan counted from the run's start, whatever the steps before took
            end_at = started + (done + step["deadline_s"])
            deadline_s = max(step["deadline_s"] * MIN_STEP_SHARE, min(step["deadline_s"], end_at - t0))
            results.update(run_step(run, step, deadline_s))
            run.cleanup(keep_marker=True)
            done += step["deadline_s"]
            progress(min(1.0, done / total), step["probe"])
            log.append(f"{step['probe']}: done in {time.perf_counter() - t0:.1f} s of {deadline_s:.1f} s")
    elapsed = time.perf_counter() - started
    if skipped:
        log.append(f"no S3 form for: {', '.join(skipped)} (file-system probes)")
    log.append(f"run: {elapsed:.1f} s of a {total:g} s budget")
    return {"probes": results, "fio": {}, "method": "s3", "method_text": "S3 API through boto3 (no page cache)",
            "skipped": skipped, "log": log, "elapsed_s": elapsed, "budget_s": total}


MIN_STEP_SHARE = 0.25


def bucket_errors(s3, bucket, endpoint_url):
    """{field: [message]} when the bucket cannot be used from here (nothing is written): endpoint
    unreachable, no credentials, credentials refused, or no such bucket. Never names the secret."""
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

    try:
        s3.head_bucket(Bucket=bucket)
    except NoCredentialsError:
        return {"credentials": ["none found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the "
                                "environment, or register the target with its secret (`manage.py target add`)"]}
    except EndpointConnectionError:
        return {"endpoint_url": [f"cannot connect to {endpoint_url}"]}
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 404:
            return {"bucket": [f"no bucket {bucket!r} at {endpoint_url}"]}
        if status in (401, 403):
            return {"credentials": [f"refused by {endpoint_url} ({status})"]}
        return {"bucket": [f"{endpoint_url} answered {status}: {exc.response.get('Error', {}).get('Code', '')}"]}
    except BotoCoreError as exc:
        return {"endpoint_url": [f"{endpoint_url}: {exc}"]}
    return {}
