"""Pure cluster-scale checkpoint and data plans: the cost model a use case selects, the costed restore,
two-level staging capacity, metadata operation rates and the node-local cache hit ratio."""
from . import economics as ec

SOURCES_SYNC = ["young1974", "daly2006", "aws-ec2-capacity-blocks-pricing", "aws-fsx-lustre-pricing"]
SOURCES_STAGED = SOURCES_SYNC + ["pytorch-dcp-async-save", "megatron-async-checkpoint", "gemini-sosp23"]
# A local copy being drained plus the last durable one (Gemini SOSP'23 keeps the latest checkpoint in CPU
# memory; DGX user guides: local NVMe for temporary checkpoints flushed to shared storage).
LOCAL_COPIES = {"host_memory": 1, "local_nvme": 2}


def checkpoint_cost_model(uc, total, per_rank, mtti, writers=1):
    """The optimum, its point and the cost curve for the use case's staging choice.

    A synchronous stall ends when the slowest writer is done, so it counts max(total, writers × slowest)."""
    policy, econ = uc["checkpoint"], uc["economics"]
    fleet = ec.fleet_usd_per_day(uc["gpus"], econ["gpu_hour_usd"])
    price, per_byte = ec.storage_per_day(econ)
    cap, restart = policy["max_interval_s"], policy["restart_s"]
    capacity_usd_day = total * policy["retained"] * per_byte  # retained copies: constant in B, reported
    if policy["staging"] != "none":
        blocking = per_rank / policy["snapshot_bytes_per_s"]
        best = ec.staged_optimal_write_bytes_per_s(total, blocking, mtti, fleet, price, cap)
        def at(b):
            return ec.staged_cost_per_day(b, total, blocking, mtti, restart, fleet, price, cap)
        formula = ("cost/day = fleet $/day × [δ_snapshot/τ + (τ/2 + S/B + R)/M] + B × $/day per B/s, τ ≥ S/B "
                   "(drain before the next snapshot); minimised in closed form")
        sources = SOURCES_STAGED
    else:
        stalled = max(total, writers * per_rank)
        best = ec.sync_optimal_write_bytes_per_s(stalled, mtti, fleet, price, cap)
        def at(b):
            return ec.sync_cost_per_day(b, stalled, mtti, restart, fleet, price, cap)
        formula = ("cost/day = fleet $/day × [δ/τ + (τ/2 + R)/M] + B × $/day per B/s with δ = S/B and τ Daly's "
                   "optimum for δ; minimised where price × B² × τ = fleet $/day × S")
        sources = SOURCES_SYNC
    return {"best_write_bytes_per_s": best, "best": at(best), "curve": ec.cost_curve(at, best),
            "fleet_usd_per_day": fleet, "capacity_usd_per_day": capacity_usd_day, "formula": formula,
            "sources": sources}


def restore_plan(uc, read_bytes, mtti):
    """Costed restore read (idle fleet during the load vs bandwidth price), raised to meet an RTO if given."""
    policy, econ = uc["checkpoint"], uc["economics"]
    fleet = ec.fleet_usd_per_day(uc["gpus"], econ["gpu_hour_usd"])
    price, _ = ec.storage_per_day(econ)
    costed = ec.restore_optimal_bytes_per_s(read_bytes, mtti, fleet, price)
    rto = policy["recovery_time_objective_s"]
    needed = ec.restore_for_objective_bytes_per_s(read_bytes, rto, policy["restart_s"]) if rto else 0.0
    return {"restore_bytes_per_s": max(costed, needed), "costed_restore_bytes_per_s": costed,
            "objective_restore_bytes_per_s": needed, "restore_s": read_bytes / max(costed, needed),
            "decided_by": "recovery_time_objective" if needed > costed else "cost"}


def staging_plan(per_node_bytes, staging, free_bytes):
    """Local copies kept for a two-level checkpoint and whether they fit what the server has free."""
    copies = LOCAL_COPIES[staging]
    need = per_node_bytes * copies
    return {"local_copies": copies, "local_staging_bytes": need, "local_free_bytes": free_bytes,
            "fits_locally": bool(free_bytes) and need <= free_bytes}


def creates_per_s(files, window_s):
    """File creates per second on the shared tier: every file of a checkpoint within its write window."""
    return files / max(window_s, 1e-3)


def cache_hit_ratio(shard_bytes, free_local_bytes):
    """Share of a node's shard that its free local NVMe holds; uniform random reads (independent reference
    model): hit ratio = cache size ÷ working set for any replacement policy, capped at 1."""
    if not shard_bytes:
        return 1.0
    return max(0.0, min(1.0, (free_local_bytes or 0) / shard_bytes))


def shared_read_fraction(hit_ratio, epochs):
    """Shared-tier reads over a run, per byte the GPUs consume: the first epoch fills the cache (all from
    shared), later epochs read only the misses."""
    epochs = max(epochs, 1)
    return (1 + (epochs - 1) * (1 - hit_ratio)) / epochs
