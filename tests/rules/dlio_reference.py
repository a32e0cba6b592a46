"""Test-only transcription of DLIO's checkpoint emulation, rank by rank, to check rules/checkpoint_layout.py.

Transcribed from argonne-lcf/dlio_benchmark dlio_benchmark/checkpointing/base_checkpointing.py (2025
version: get_num_parameters, get_layer_parameters, get_optimization_groups, get_layer_index,
__init__ allocation, save_checkpoint). Integer divisions kept as DLIO writes them.
"""

DTYPE = {"fp16": 2, "bf16": 2, "fp32": 4}


def num_parameters(c):
    h, ffn, v, l = c["hidden_size"], c["ffn_hidden_size"], c["vocab_size"], c["num_layers"]
    dim_kv = h // c["num_attention_heads"] * c["num_kv_heads"]
    per_layer = h + h * (h + 2 * dim_kv) + h * h + h + ffn * 2 * h + ffn * h
    return v * h + per_layer * l + h + v * h


def layer_parameters(c, index, dp):
    h, ffn, v, l, tp = c["hidden_size"], c["ffn_hidden_size"], c["vocab_size"], c["num_layers"], c["tp"]
    dim_kv = h // c["num_attention_heads"] * c["num_kv_heads"]
    sf = 1 if c["zero_stage"] < 3 else dp
    if index in (0, l + 1):
        return [h * v // tp // sf]
    if index == l + 2:
        return [h // sf]
    return [h // sf, h * (h + 2 * dim_kv) // tp // sf, h * h // tp // sf, h // sf,
            h * 2 * ffn // tp // sf, h * ffn // tp // sf]


def optimization_groups(c, world):
    mp = c["tp"] * c["pp"]
    n = num_parameters(c) // world if c["zero_stage"] > 0 else num_parameters(c) // mp
    return [n, c["hidden_size"] * 5] * 3


def layer_index(c, pipeline_rank):
    per, rem = divmod(c["num_layers"], c["pp"])
    if pipeline_rank < rem:
        start = pipeline_rank * (per + 1) + 1
        end = start + per
    else:
        start = rem * (per + 1) + (pipeline_rank - rem) * per + 1
        end = start + per - 1
    if pipeline_rank == c["pp"] - 1:
        end = c["num_layers"] + 2
    if pipeline_rank == 0:
        start = 0
    return start, end


def checkpoint_files(c, world):
    """{file name: bytes} and {rank: bytes written} for one checkpoint of a `world`-rank run."""
    tp, pp, zero = c["tp"], c["pp"], c["zero_stage"]
    mp = tp * pp
    dp = world // mp
    mdt, odt = DTYPE[c.get("model_datatype", "bf16")], DTYPE[c.get("optimizer_datatype", "fp32")]
    files, ranks = {}, {}
    for rank in range(world):
        pp_rank, dp_rank, mp_rank = (rank // tp) % pp, rank // mp, rank % mp
        if zero == 0 and rank >= mp:
            continue
        start, end = layer_index(c, pp_rank)
        layers = None
        if not (zero == 1 and dp_rank != 0):
            layers = {i: sum(layer_parameters(c, i, dp)) * mdt for i in range(start, end + 1)}
        opt = sum(optimization_groups(c, world)) * odt
        written = {}
        if layers:
            if 0 < zero < 3:
                if dp_rank == 0:
                    if pp > 1:
                        for i, size in layers.items():
                            written[f"layer_{i}-model_{mp_rank}_model_states"] = size
                    else:
                        written[f"model_{mp_rank}_model_states"] = sum(layers.values())
            else:
                written[f"zero_pp_rank_{dp_rank}_mp_rank_{mp_rank}_model_states"] = sum(layers.values())
        written[f"zero_pp_rank_{dp_rank}_mp_rank_{mp_rank}_optim_states"] = opt
        files.update(written)
        ranks[rank] = sum(written.values())
    return files, ranks
