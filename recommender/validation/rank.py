"""One checkpoint rank as its own OS process: write (then fsync) or read one shard.

Run as a script (`python -E -s rank.py SPEC`): it imports only rawio.py from its own folder and the
standard library, so ranks start fast and need no Django or project settings.

Protocol on stdin/stdout (driven by probes._wait_ranks): prints "ready" once the file is open,
waits for "go T" (the start barrier; T is the CLOCK_MONOTONIC instant all ranks start at), prints "progress BYTES" while running and one
"result {json}" at the end; "stop" on stdin or stdin closing stops it early.
"""
import json
import os
import sys
import threading
import time

import rawio

PROGRESS_EVERY_S = 0.2


def listen(stop, go, start_at):
    for line in sys.stdin:
        word, _, at = line.strip().partition(" ")
        if word == "go":
            start_at.append(float(at) if at else 0.0)
            go.set()
        elif word == "stop":
            break
    stop.set()
    go.set()


def main(spec):
    stop, go, start_at = threading.Event(), threading.Event(), []
    threading.Thread(target=listen, args=(stop, go, start_at), daemon=True).start()
    kind, method = spec["kind"], spec["method"]
    fd = rawio.open_write(spec["path"], method) if kind == "write" else rawio.open_read(spec["path"], method)
    if spec.get("buffer_path"):  # the pages fio's twin reads into or writes from as well (rawio.shared_buffers)
        buf = rawio.map_shared_buffer(spec["buffer_path"], spec["block_bytes"])
    else:
        buf = rawio.aligned_buffer(spec["block_bytes"], fill=kind == "write")  # before the barrier: not timed
    print("ready", flush=True)
    go.wait()
    # every rank starts at the same instant on the machine-wide monotonic clock, not when its "go"
    # line arrives (the parent writes them one after the other), as fio's jobs leave one barrier
    wait = (start_at[0] if start_at else 0.0) - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    start = time.monotonic()
    last = [0.0]

    def counter(done):
        if time.monotonic() - last[0] >= PROGRESS_EVERY_S:
            last[0] = time.monotonic()
            print(f"progress {done}", flush=True)

    try:
        ops, done = rawio.rank_io(kind, fd, spec["nbytes"], spec["block_bytes"], start + spec["deadline_s"],
                                   stop, counter,
                                   lambda: rawio.free_check(spec["free_root"], spec["free_floor_bytes"]), buf)
        fsync_s = 0.0
        if kind == "write":
            t0 = time.monotonic()
            os.fsync(fd)  # MLPerf Storage requires fsync on checkpoint writes (Submission_guidelines §2.2)
            fsync_s = time.monotonic() - t0
    finally:
        os.close(fd)
    return {"index": spec["index"], "start": start, "end": time.monotonic(), "bytes": done,
            "ops": ops, "fsync_s": fsync_s}


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    try:
        result = main(spec)
    except Exception as exc:  # the parent shows this as the probe's error
        result = {"index": spec.get("index"), "error": f"{type(exc).__name__}: {exc}"}
    print("result " + json.dumps(result), flush=True)
