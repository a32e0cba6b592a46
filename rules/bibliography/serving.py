"""Bibliography entries for the serving area: key → {kind, reference, url}. See __init__.py.

Keys cited by the serving rules but defined by other areas (do not define them twice): training.py —
dlio-base-checkpointing, megatron-dist-checkpointing, megatron-legacy-checkpointing, deepspeed-engine,
torch-dcp-filesystem, hf-trainer-save, pcie-5-spec, nvidia-dgx-superpod-h100-ra, kaplan2020,
llama3-herd-2024; catalog.py — storagereview-micron-9550-max, anandtech-samsung-cmm-b."""


def _e(kind, reference, url=None):
    entry = {"kind": kind, "reference": reference}
    if url:
        entry["url"] = url
    return entry


GH = "https://github.com/"

REFERENCES = {
    # training layout (H10): checkpoint files, writers and per-stage bytes (rules/checkpoint_layout.py)
    "dlio-llama-7b-config": _e("repository", "argonne-lcf/dlio_benchmark, dlio_benchmark/configs/workload/"
                                             "llama_7b.yaml (32 layers, TP 1, PP 1, ZeRO-1)",
                               GH + "argonne-lcf/dlio_benchmark/blob/main/dlio_benchmark/configs/workload/"
                                    "llama_7b.yaml"),
    "mlperf-storage-llm-configs": _e("repository", "mlcommons/storage, configs/dlio/workload/llama3_8b.yaml, "
                                                   "llama3_70b.yaml, llama3_405b.yaml, llama3_1t.yaml (v2.0)",
                                     GH + "mlcommons/storage/tree/main/configs/dlio/workload"),
    "deepspeed-pipe-module": _e("repository", "microsoft/DeepSpeed, deepspeed/runtime/pipe/module.py "
                                              "(PipelineModule.ckpt_layer_path: layer_NN-model_XX-model_states.pt; "
                                              "save_state_dict on data-parallel rank 0)",
                                GH + "microsoft/DeepSpeed/blob/master/deepspeed/runtime/pipe/module.py"),
    "megatron-distributed-optimizer": _e("url", "NVIDIA Megatron Core developer guide, Distributed Optimizer "
                                                "(--use-distributed-optimizer shards optimizer state and main "
                                                "gradients over data-parallel ranks; parameters stay replicated)",
                                         "https://docs.nvidia.com/megatron-core/developer-guide/latest/"
                                         "api-guide/dist_optimizer.html"),
    # --- LLM inference: KV cache, tensor parallelism, weights ---
    "vllm-kv-cache-interface": _e("repository", "vllm-project/vllm, vllm/v1/kv_cache_interface.py "
                                                "(AttentionSpec / MLAAttentionSpec page_size_bytes)",
                                  GH + "vllm-project/vllm/blob/main/vllm/v1/kv_cache_interface.py"),
    "vllm-model-config": _e("repository", "vllm-project/vllm, vllm/config/model.py (get_num_kv_heads: "
                                          "max(1, kv_heads // tp), MLA latent on every rank; "
                                          "verify_with_parallel_config: heads divisible by TP)",
                            GH + "vllm-project/vllm/blob/main/vllm/config/model.py"),
    "vllm-qkv-parallel-linear": _e("repository", "vllm-project/vllm, vllm/model_executor/layers/linear.py "
                                                 "QKVParallelLinear (divide(kv_heads, tp) or divide(tp, kv_heads))",
                                   GH + "vllm-project/vllm/blob/main/vllm/model_executor/layers/linear.py"),
    "vllm-cache-config": _e("repository", "vllm-project/vllm, vllm/config/cache.py (block_size 16, "
                                          "gpu_memory_utilization 0.92)",
                            GH + "vllm-project/vllm/blob/main/vllm/config/cache.py"),
    "vllm-gpu-worker": _e("repository", "vllm-project/vllm, vllm/v1/worker/gpu_worker.py "
                                        "determine_available_memory (memory profiled per worker, i.e. per GPU)",
                          GH + "vllm-project/vllm/blob/main/vllm/v1/worker/gpu_worker.py"),
    "vllm-kv-offloading": _e("url", "vLLM documentation, KV Offloading Usage Guide (OffloadingConnector, "
                                    "CPU and tiered offload)",
                             "https://docs.vllm.ai/en/stable/features/kv_offloading_usage/"),
    "deepseek-v2-2024": _e("paper", "DeepSeek-AI, DeepSeek-V2: A Strong, Economical, and Efficient "
                                    "Mixture-of-Experts Language Model, 2024. arXiv:2405.04434 (§2.1 MLA cache)",
                           "https://arxiv.org/abs/2405.04434"),
    "llama-3.1-config": _e("url", "meta-llama/Llama-3.1-8B config.json on Hugging Face "
                                  "(max_position_embeddings 131072 = \"128K\")",
                           "https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json"),
    "run-ai-model-streamer": _e("url", "NVIDIA Technical Blog, Reducing Cold Start Latency for LLM Inference "
                                       "with NVIDIA Run:ai Model Streamer (load time = bytes ÷ bandwidth)",
                                "https://developer.nvidia.com/blog/reducing-cold-start-latency-for-llm-inference-"
                                "with-nvidia-runai-model-streamer/"),
    "zero-inference": _e("repository", "microsoft/DeepSpeedExamples, inference/huggingface/zero_inference/"
                                       "README.md (offloaded weights are streamed every forward pass)",
                         GH + "microsoft/DeepSpeedExamples/blob/master/inference/huggingface/zero_inference/"
                              "README.md"),
    # --- KV offload as memory extension ---
    "dynamo-kvbm": _e("repository", "ai-dynamo/dynamo, docs/architecture/kvbm_components.md (G1 device, G2 "
                                    "host pinned memory, G3 local disk, G4 remote storage)",
                      GH + "ai-dynamo/dynamo/blob/main/docs/architecture/kvbm_components.md"),
    "lmcache-2025": _e("paper", "Y. Liu et al., LMCache: An Efficient KV Cache Layer for Enterprise-Scale LLM "
                                "Inference, 2025. arXiv:2510.09665", "https://arxiv.org/abs/2510.09665"),
    "lmcache-config": _e("url", "LMCache documentation, Configuration reference (chunk_size 256 tokens, "
                                "local_cpu, local_disk, remote_url)",
                         "https://docs.lmcache.ai/api_reference/configurations.html"),
    "mooncake-2024": _e("paper", "R. Qin et al., Mooncake: A KVCache-centric Disaggregated Architecture for LLM "
                                 "Serving, 2024 (FAST'25). arXiv:2407.00079", "https://arxiv.org/abs/2407.00079"),
    "aws-s3-performance-guidelines": _e("url", "Amazon S3 User Guide, Performance guidelines: small-object and "
                                               "first-byte latencies of roughly 100–200 ms",
                                        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                                        "optimizing-performance-guidelines.html"),
    "nvidia-dgx-h100-datasheet": _e("datasheet", "NVIDIA DGX H100 datasheet (8 × H100 80 GB, 2 × Intel Xeon "
                                                 "Platinum 8480C, 2 TB RAM, 8 × 3.84 TB NVMe U.2 internal storage)",
                                    "https://resources.nvidia.com/en-us-dgx-systems/ai-enterprise-dgx"),
    # --- tabular ML ---
    "tabular-parse-benchmark": _e("measurement", "this project, benchmarks/tabular_parse.py on a PUMS-like "
                                                "44-column CSV; results benchmarks/results/tabular_parse.json "
                                                "(pandas 3.1.1, pyarrow 26.0.1)"),
    "acs-pums-dictionary": _e("url", "U.S. Census Bureau, American Community Survey PUMS data dictionary and "
                                     "CSV files (SERIALNO, PWGTP1–80 replicate weights, blanks for N/A)",
                              "https://www.census.gov/programs-surveys/acs/microdata/documentation.html"),
    "hluska-nyc-tlc-pandas": _e("url", "hluska.ca, reading the NYC TLC trip records with pandas: 18.2 GB of CSV "
                                       "in 288.6 s with the default reader (≈63 MB/s)",
        "https://hluska.ca/"),
    "dell-oneapi-e2e-ml": _e("url", "Dell Technologies InfoHub, Accelerating End-to-End Machine Learning Using "
                                    "the Intel oneAPI Toolkit and Intel Flex Series GPU: ETL the most "
                                    "time-consuming stage; Modin-Dask ≈5× (NYC taxi), ≈3× on 20 cores (Higgs)",
                             "https://infohub.delltechnologies.com/l/accelerating-end-to-end-machine-learning-"
                             "using-the-intel-r-oneapi-toolkit-and-intel-r-flex-series-gpu/introduction-3358/"),
    "cpython-unicode-object": _e("repository", "python/cpython, Include/cpython/unicodeobject.h "
                                               "(PyASCIIObject: sys.getsizeof('') = 49 bytes on 64-bit 3.11)",
                                 GH + "python/cpython/blob/3.11/Include/cpython/unicodeobject.h"),
    "mckinney-2017-pandas-ram": _e("url", "W. McKinney, Apache Arrow and the \"10 Things I Hate About pandas\", "
                                          "2017 (have 5 to 10 times as much RAM as the dataset)",
                                   "https://wesmckinney.com/blog/apache-arrow-pandas-internals/"),
    "modin-census-notebook": _e("url", "modin-project/modin issue #4119, a notebook of the Census benchmark "
                                       "(read_csv → ETL → ridge regression)",
                                GH + "modin-project/modin/issues/4119"),
    # --- video analytics ---
    "ip-camera-bitrate-table": _e("url", "Unifore, IP camera bitrate table for H.264 (1080p: 4,000 kbps at "
                                         "30/20 fps)",
        "https://www.unifore.net/"),
    "intel-vdms": _e("repository", "IntelLabs/vdms, Visual Data Management System (AddEntity properties, "
                                   "AddDescriptor feature vectors)", GH + "IntelLabs/vdms"),
    "resnet-2016": _e("paper", "K. He et al., Deep Residual Learning for Image Recognition, CVPR 2016. "
                               "arXiv:1512.03385 (ResNet-50: 2,048-d pooled feature)",
                      "https://arxiv.org/abs/1512.03385"),
    "ssd-mobilenet-2018": _e("paper", "M. Sandler et al., MobileNetV2: Inverted Residuals and Linear Bottlenecks, "
                                      "CVPR 2018 (SSDLite detector). arXiv:1801.04381",
                             "https://arxiv.org/abs/1801.04381"),
    "mot16-2016": _e("paper", "A. Milan et al., MOT16: A Benchmark for Multi-Object Tracking, 2016. "
                              "arXiv:1603.00831 (1,276 tracks, 292,733 boxes, 11,235 frames)",
                     "https://arxiv.org/abs/1603.00831"),
    "postgresql-page-layout": _e("url", "PostgreSQL documentation, Database Page Layout (23-byte "
                                        "HeapTupleHeaderData, 4-byte ItemIdData) and numeric/datetime type sizes",
                                 "https://www.postgresql.org/docs/current/storage-page-layout.html"),
    "nvidia-nvdec-application-note": _e("url", "NVIDIA Video Codec SDK, NVDEC Application Note (decode "
                                               "capability and performance per GPU)",
                                        "https://docs.nvidia.com/video-technologies/video-codec-sdk/13.0/"
                                        "nvdec-application-note/index.html"),
    "dlstreamer": _e("repository", "dlstreamer/dlstreamer, Intel Deep Learning Streamer (gvadetect → "
                                   "gvaclassify → gvametapublish)", GH + "dlstreamer/dlstreamer"),
}

REFERENCES.update({
    # --- RAG vector indexes ---
    "faiss-indexes": _e("url", "facebookresearch/faiss wiki, Faiss indexes (IndexFlat 4d B/vector; IndexIVFPQ "
                               "M + 8 B/vector)", GH + "facebookresearch/faiss/wiki/Faiss-indexes"),
    "faiss-index-guidelines": _e("url", "facebookresearch/faiss wiki, Guidelines to choose an index "
                                        "(HNSW memory (d × 4 + M × 2 × 4) B/vector)",
                                 GH + "facebookresearch/faiss/wiki/Guidelines-to-choose-an-index"),
    "qdrant-quantization": _e("url", "Qdrant documentation, Quantization (scalar int8 4×, binary 32× compression)",
                              "https://qdrant.tech/documentation/guides/quantization/"),
    "hnswlib": _e("repository", "nmslib/hnswlib, hnswlib/hnswalg.h (maxM0_ = 2 × M links on layer 0; M default 16)",
                  GH + "nmslib/hnswlib"),
    "pgvector-readme": _e("repository", "pgvector/pgvector README, IVFFlat lists: rows / 1000 up to 1M rows, "
                                        "sqrt(rows) above", GH + "pgvector/pgvector"),
    "microsoft-diskann": _e("repository", "microsoft/DiskANN (SECTOR_LEN 4096; disk index layout; "
                                          "workflows/SSD_index.md search_disk_index 'Mean IOs')",
                            GH + "microsoft/DiskANN"),
    "milvus-diskann": _e("url", "Milvus documentation, On-disk Index DISKANN (MaxDegree 56, "
                                "PQCodeBudgetGBRatio 0.125, NVMe data path)", "https://milvus.io/docs/disk_index.md"),
    "diskann-2019": _e("paper", "S. J. Subramanya et al., DiskANN: Fast Accurate Billion-point Nearest Neighbor "
                                "Search on a Single Node, NeurIPS 2019",
                       "https://papers.nips.cc/paper/9527-rand-nsg-fast-accurate-billion-point-nearest-neighbor-"
                       "search-on-a-single-node"),
    "langchain-defaults": _e("repository", "langchain-ai/langchain, VectorStore.similarity_search(k=4) and "
                                           "RecursiveCharacterTextSplitter(chunk_size=4000) defaults",
                             GH + "langchain-ai/langchain"),
})

REFERENCES.update({
    # --- presets (fixtures/presets/*.json "source") ---
    "hf-llama-3.1-8b-config": _e("url", "meta-llama/Llama-3.1-8B, config.json on Hugging Face",
                                 "https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json"),
    "hf-llama-3.1-70b-config": _e("url", "meta-llama/Llama-3.1-70B, config.json on Hugging Face",
                                  "https://huggingface.co/meta-llama/Llama-3.1-70B/blob/main/config.json"),
    "mixtral-2024": _e("paper", "A. Q. Jiang et al., Mixtral of Experts, 2024. arXiv:2401.04088",
                       "https://arxiv.org/abs/2401.04088"),
    "deepseek-v3-repo": _e("repository", "deepseek-ai/DeepSeek-V3, inference/configs/config_671B.json and README.md",
                           GH + "deepseek-ai/DeepSeek-V3"),
    "hf-qwen2.5-72b-config": _e("url", "Qwen/Qwen2.5-72B, config.json and model card on Hugging Face",
                                "https://huggingface.co/Qwen/Qwen2.5-72B"),
    "gpt3-2020": _e("paper", "T. Brown et al., Language Models are Few-Shot Learners, 2020. arXiv:2005.14165",
                    "https://arxiv.org/abs/2005.14165"),
    "hf-bloom-config": _e("url", "bigscience/bloom, config.json on Hugging Face",
                          "https://huggingface.co/bigscience/bloom/blob/main/config.json"),
    "hf-qwen3-32b-config": _e("url", "Qwen/Qwen3-32B, config.json on Hugging Face",
                              "https://huggingface.co/Qwen/Qwen3-32B"),
    "hf-qwen3-235b-a22b-config": _e("url", "Qwen/Qwen3-235B-A22B, config.json on Hugging Face",
                                    "https://huggingface.co/Qwen/Qwen3-235B-A22B"),
    "nvidia-a100-datasheet": _e("datasheet", "NVIDIA A100 Tensor Core GPU datasheet; NVIDIA DGX A100 datasheet",
        "https://www.nvidia.com/en-us/data-center/a100/"),
    "nvidia-h200-datasheet": _e("datasheet", "NVIDIA H200 Tensor Core GPU datasheet; NVIDIA DGX H200 datasheet",
        "https://www.nvidia.com/en-us/data-center/h200/"),
    "nvidia-dgx-b200-datasheet": _e("datasheet", "NVIDIA DGX B200 datasheet (8 × B200, 1,440 GB HBM3e)",
        "https://www.nvidia.com/en-us/data-center/dgx-b200/"),
    "amd-mi300x-datasheet": _e("datasheet", "AMD Instinct MI300X accelerator datasheet",
        "https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html"),
    "nvidia-l40s-datasheet": _e("datasheet", "NVIDIA L40S GPU datasheet",
        "https://www.nvidia.com/en-us/data-center/l40s/"),
    "amd-mi355x-datasheet": _e("datasheet", "AMD Instinct MI355X accelerator datasheet; mlcommons/storage "
                                            "mlpstorage_py/config.py (accelerator name mi355)",
        "https://www.amd.com/en/products/accelerators/instinct/mi350/mi355x.html"),
    "mlperf-storage-cv-configs": _e("repository", "mlcommons/storage, configs/dlio/workload/ unet3d, resnet50, "
                                                  "cosmoflow, retinanet and flux YAMLs per accelerator",
                                    GH + "mlcommons/storage/tree/main/configs/dlio/workload"),
})
