"""Bibliography entries for the serving area: key → {kind, reference, url}. See __init__.py."""

REFERENCES = {
    # training layout (H10): checkpoint files, writers and per-stage bytes (rules/checkpoint_layout.py)
    "dlio-base-checkpointing": {
        "kind": "repository",
        "reference": "argonne-lcf/dlio_benchmark, dlio_benchmark/checkpointing/base_checkpointing.py "
                     "(get_num_parameters, get_layer_parameters, get_optimization_groups, get_layer_index, "
                     "save_checkpoint), as used by MLPerf Storage v2.0",
        "url": "https://github.com/argonne-lcf/dlio_benchmark/blob/main/dlio_benchmark/checkpointing/"
               "base_checkpointing.py",
    },
    "dlio-llama-7b-config": {
        "kind": "repository",
        "reference": "argonne-lcf/dlio_benchmark, dlio_benchmark/configs/workload/llama_7b.yaml "
                     "(32 layers, TP 1, PP 1, ZeRO-1)",
        "url": "https://github.com/argonne-lcf/dlio_benchmark/blob/main/dlio_benchmark/configs/workload/"
               "llama_7b.yaml",
    },
    "mlperf-storage-llm-configs": {
        "kind": "repository",
        "reference": "mlcommons/storage, configs/dlio/workload/llama3_8b.yaml, llama3_70b.yaml, "
                     "llama3_405b.yaml, llama3_1t.yaml (v2.0)",
        "url": "https://github.com/mlcommons/storage/tree/main/configs/dlio/workload",
    },
    "deepspeed-engine-checkpoint": {
        "kind": "repository",
        "reference": "microsoft/DeepSpeed, deepspeed/runtime/engine.py (_get_ckpt_name: "
                     "mp_rank_XX_model_states.pt; _get_zero_ckpt_name: zero_pp_rank_D_mp_rank_XX_optim_states.pt; "
                     "_save_checkpoint: DP rank 0 saves the model states)",
        "url": "https://github.com/microsoft/DeepSpeed/blob/master/deepspeed/runtime/engine.py",
    },
    "deepspeed-pipe-module": {
        "kind": "repository",
        "reference": "microsoft/DeepSpeed, deepspeed/runtime/pipe/module.py (PipelineModule.ckpt_layer_path "
                     "layer_NN-model_XX-model_states.pt; save_state_dict on DP rank 0)",
        "url": "https://github.com/microsoft/DeepSpeed/blob/master/deepspeed/runtime/pipe/module.py",
    },
    "megatron-dist-checkpointing": {
        "kind": "repository",
        "reference": "NVIDIA/Megatron-LM, megatron/core/dist_checkpointing/strategies/torch.py "
                     "(torch_dist: files = ranks × threads, plus metadata)",
        "url": "https://github.com/NVIDIA/Megatron-LM/blob/main/megatron/core/dist_checkpointing/strategies/"
               "torch.py",
    },
    "megatron-legacy-checkpointing": {
        "kind": "repository",
        "reference": "NVIDIA/Megatron-LM, megatron/training/checkpointing.py get_checkpoint_name "
                     "(mp_rank_TT_PPP_EEE/model_optim_rng.pt, distrib_optim.pt)",
        "url": "https://github.com/NVIDIA/Megatron-LM/blob/main/megatron/training/checkpointing.py",
    },
    "megatron-distributed-optimizer": {
        "kind": "url",
        "reference": "NVIDIA Megatron Core, Distributed Optimizer (--use-distributed-optimizer shards "
                     "optimizer state and main gradients over data-parallel ranks, like ZeRO-1/2; no "
                     "parameter sharding)",
        "url": "https://docs.nvidia.com/megatron-core/developer-guide/latest/api-guide/dist_optimizer.html",
    },
    "pytorch-dcp-filesystem": {
        "kind": "repository",
        "reference": "pytorch/pytorch, torch/distributed/checkpoint/filesystem.py "
                     "(__{rank}_{k}.distcp shards + .metadata)",
        "url": "https://github.com/pytorch/pytorch/blob/main/torch/distributed/checkpoint/filesystem.py",
    },
    "hf-trainer-save-checkpoint": {
        "kind": "repository",
        "reference": "huggingface/transformers, src/transformers/trainer.py _save_checkpoint; "
                     "modeling_utils.py save_pretrained max_shard_size \"5GB\" (PR #26942)",
        "url": "https://github.com/huggingface/transformers/blob/main/src/transformers/trainer.py",
    },
}
