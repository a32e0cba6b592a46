"""Use-case documents shared by the API tests (published references: research/mlperf-storage.md)."""
GiB = 2**30

MLPERF_LLAMA3_8B = {
    "name": "MLPerf Storage Llama3-8B",
    "workload": "llm_training",
    "model": {"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 14336, "attention_heads": 32,
              "kv_heads": 8, "vocab_size": 128256},
    "precision": "fp16", "optimizer": "adam",
    "parallelism": {"tensor": 1, "pipeline": 1, "data": 8, "zero_stage": 3},
    "gpus": 8, "gpu_model": "h100",
}
