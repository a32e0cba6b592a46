"""Pure arithmetic for KV offload as memory extension: reuse → reads, per-block latency budget, TTFT per tier.

A cached block is worth loading only when fetching it is faster than recomputing its tokens: the
LMCache/Mooncake premise (arXiv 2407.00079 §4; LMCache arXiv 2510.09665). Reads are modelled one block
at a time per GPU (queue depth 1), the strictest case; pipelined loaders hide part of the latency.
"""

# LMCache stores and loads KV in chunks of 256 tokens (LMCache docs, configurations: chunk_size 256).
LMCACHE_CHUNK_TOKENS = 256
SOURCES = ["mooncake-2024: §4 (KVCache reuse vs prefill)", "lmcache-2025", "lmcache-config: chunk_size",
           "dynamo-kvbm: G1–G4 tiers", "vllm-kv-offloading"]

# Per-GPU read path of each tier: (bytes/s per GPU, p99-class read latency s, sources). None = a named gap.
TIER_PROFILES = {
    # PCIe 5.0 x16: 64 GB/s per direction; DRAM is no slower than a CXL memory box's 596 ns.
    "host_memory": (64e9, 5.96e-7, ["pcie-5-spec: x16 64 GB/s per direction",
                                    "anandtech-samsung-cmm-b: 596 ns CXL load latency (upper bound)"]),
    # One Gen5 TLC drive per GPU (DGX H100: 8 NVMe for 8 GPUs): 14.0 GB/s read, 60 µs typical read.
    "gpu_local_nvme": (14.0e9, 60e-6, ["storagereview-micron-9550-max: 14.0 GB/s, 60 µs typical read latency",
                                       "nvidia-dgx-h100-datasheet: 8 × 3.84 TB NVMe U.2"]),
    # Shared flash over the storage fabric: per-GPU rate and p99 latency depend on the product (ranking).
    "shared_fast": (None, None, []),
    # S3-class object storage: 100–200 ms first-byte latency for small objects.
    "object": (None, 0.100, ["aws-s3-performance-guidelines: 100–200 ms first-byte latency"]),
}


def hit_tokens_per_s(requests_per_s, prompt_tokens, reuse_ratio):
    """Prompt tokens per second whose KV is found in the cache: requests/s × prompt × prefix/session reuse."""
    return requests_per_s * prompt_tokens * reuse_ratio


def block_reads_per_s(hit_tokens, block_tokens, tensor_parallel):
    """Block reads per second: every TP rank reads its own shard (or latent copy) of each hit block."""
    return hit_tokens / block_tokens * tensor_parallel


def recompute_s(tokens, prefill_tokens_per_s):
    """Time the replica needs to prefill `tokens` again (2 FLOP per active parameter per token)."""
    return tokens / prefill_tokens_per_s


def latency_budget_s(block_tokens, prefill_tokens_per_s, block_bytes_per_gpu, bytes_per_s_per_gpu=None):
    """p99 read latency below which loading one block beats recomputing it:
    block recompute time − block transfer time (the transfer term only when the tier's rate is known)."""
    transfer = block_bytes_per_gpu / bytes_per_s_per_gpu if bytes_per_s_per_gpu else 0.0
    return recompute_s(block_tokens, prefill_tokens_per_s) - transfer


def ttft_s(prompt_tokens, hit_tokens, prefill_tokens_per_s, block_tokens=LMCACHE_CHUNK_TOKENS,
           block_bytes_per_gpu=0, latency_s=0.0, bytes_per_s_per_gpu=None):
    """Prefill part of the time to first token: recompute the misses, load the hits block by block.

    Without offload (hit_tokens = 0) it is prompt ÷ prefill rate. Queueing and decode are not counted."""
    blocks = -(-hit_tokens // block_tokens) if hit_tokens else 0
    transfer = block_bytes_per_gpu / bytes_per_s_per_gpu if bytes_per_s_per_gpu else 0.0
    return (prompt_tokens - hit_tokens) / prefill_tokens_per_s + blocks * (latency_s + transfer)


def tier_verdicts(block_tokens, prefill_tokens_per_s, block_bytes_per_gpu, prompt_tokens, hit_tokens):
    """For each tier: its latency budget, TTFT with offload and whether its published latency meets it."""
    out = {}
    for tier, (rate, latency, _) in TIER_PROFILES.items():
        budget = latency_budget_s(block_tokens, prefill_tokens_per_s, block_bytes_per_gpu, rate)
        ttft = (ttft_s(prompt_tokens, hit_tokens, prefill_tokens_per_s, block_tokens, block_bytes_per_gpu,
                       latency, rate) if latency is not None and rate else None)
        meets = None if latency is None else latency <= budget
        out[tier] = {"latency_budget_s": budget, "tier_latency_s": latency, "ttft_s": ttft, "meets": meets}
    return out


def tier_sources():
    """Every source behind TIER_PROFILES."""
    return [s for _, _, sources in TIER_PROFILES.values() for s in sources]
