"""Bibliography entries for the training area: key → {kind, reference, url}. See __init__.py."""


def _e(kind, reference, url):
    return {"kind": kind, "reference": reference, "url": url}


REFERENCES = {
    "daly2006": _e("paper", "J. T. Daly, A higher order estimate of the optimum checkpoint interval for restart "
                            "dumps, Future Generation Computer Systems 22(3):303–312, 2006. "
                            "doi:10.1016/j.future.2004.11.016", "https://doi.org/10.1016/j.future.2004.11.016"),
    "young1974": _e("paper", "J. W. Young, A first order approximation to the optimum checkpoint interval, "
                             "Communications of the ACM 17(9):530–531, 1974. doi:10.1145/361147.361115",
                    "https://doi.org/10.1145/361147.361115"),
    # --- checkpoint size and layout ---
    "dlio-base-checkpointing": _e("repository", "argonne-lcf/dlio_benchmark, dlio_benchmark/checkpointing/"
                                                "base_checkpointing.py (branch mlperf_storage_v2.0)",
                                  "https://github.com/argonne-lcf/dlio_benchmark/blob/mlperf_storage_v2.0/"
                                  "dlio_benchmark/checkpointing/base_checkpointing.py"),
    "mlperf-storage-v2": _e("repository", "mlcommons/storage, Submission_guidelines.md and configs/dlio/workload/ "
                                          "(MLPerf Storage v2.0)", "https://github.com/mlcommons/storage"),
    "bloom-tr11": _e("repository", "bigscience-workshop/bigscience, train/tr11-176B-ml/README.md (checkpoints) and "
                                   "backup-schedule.md", "https://github.com/bigscience-workshop/bigscience/tree/"
                                                         "master/train/tr11-176B-ml"),
    "zero2020": _e("paper", "S. Rajbhandari et al., ZeRO: Memory Optimizations Toward Training Trillion Parameter "
                            "Models, SC'20. arXiv:1910.02054", "https://arxiv.org/abs/1910.02054"),
    "torch-optim-adam": _e("repository", "pytorch/pytorch, torch/optim/adam.py (exp_avg, exp_avg_sq)",
                           "https://github.com/pytorch/pytorch/blob/main/torch/optim/adam.py"),
    "bitsandbytes-optim": _e("repository", "bitsandbytes-foundation/bitsandbytes, bitsandbytes/optim/optimizer.py "
                                           "(8-bit states, block-wise absmax)",
                             "https://github.com/bitsandbytes-foundation/bitsandbytes/blob/main/bitsandbytes/"
                             "optim/optimizer.py"),
    "adafactor2018": _e("paper", "N. Shazeer, M. Stern, Adafactor: Adaptive Learning Rates with Sublinear Memory "
                                 "Cost, ICML 2018. arXiv:1804.04235", "https://arxiv.org/abs/1804.04235"),
    "deepseek-v3-2024": _e("paper", "DeepSeek-AI, DeepSeek-V3 Technical Report, 2024. arXiv:2412.19437",
                           "https://arxiv.org/abs/2412.19437"),
    "lora2021": _e("paper", "E. J. Hu et al., LoRA: Low-Rank Adaptation of Large Language Models, 2021. "
                            "arXiv:2106.09685; adapters in fp32 in huggingface/peft",
                    "https://arxiv.org/abs/2106.09685"),
    "deepspeed-engine": _e("repository", "microsoft/DeepSpeed, deepspeed/runtime/engine.py (_get_zero_ckpt_name, "
                                         "checkpoint file names)", "https://github.com/microsoft/DeepSpeed/blob/"
                                                                   "master/deepspeed/runtime/engine.py"),
    "deepspeed-nebula": _e("repository", "microsoft/DeepSpeed, deepspeed/nebula/constants.py (versions retained)",
                           "https://github.com/microsoft/DeepSpeed/blob/master/deepspeed/nebula/constants.py"),
    "megatron-dist-checkpointing": _e("repository", "NVIDIA/Megatron-LM, megatron/core/dist_checkpointing/"
                                                    "strategies/torch.py (torch_dist files per rank and thread)",
                                      "https://github.com/NVIDIA/Megatron-LM/blob/main/megatron/core/"
                                      "dist_checkpointing/strategies/torch.py"),
    "megatron-legacy-checkpointing": _e("repository", "NVIDIA/Megatron-LM, megatron/training/checkpointing.py "
                                                      "get_checkpoint_name", "https://github.com/NVIDIA/Megatron-LM/"
                                                      "blob/main/megatron/training/checkpointing.py"),
    "torch-dcp-filesystem": _e("repository", "pytorch/pytorch, torch/distributed/checkpoint/filesystem.py "
                                             "(__{rank}_{k}.distcp + .metadata)", "https://github.com/pytorch/"
                                             "pytorch/blob/main/torch/distributed/checkpoint/filesystem.py"),
    "hf-trainer-save": _e("repository", "huggingface/transformers, src/transformers/trainer.py _save_checkpoint; "
                                        "max_shard_size 5GB (PR #26942)", "https://github.com/huggingface/"
                                        "transformers/blob/main/src/transformers/trainer.py"),
    # --- failures, intervals, asynchronous and two-level checkpoints ---
    "llama3-herd-2024": _e("paper", "A. Grattafiori et al. (Llama Team, Meta), The Llama 3 Herd of Models, 2024. "
                                    "arXiv:2407.21783", "https://arxiv.org/abs/2407.21783"),
    "kokolis2025-rsc": _e("paper", "A. Kokolis et al., Revisiting Reliability in Large-Scale Machine Learning "
                                   "Research Clusters, HPCA 2025. arXiv:2410.21680",
                          "https://arxiv.org/abs/2410.21680"),
    "checkfreq2021": _e("paper", "J. Mohan, A. Phanishayee, V. Chidambaram, CheckFreq: Frequent, Fine-Grained DNN "
                                 "Checkpointing, USENIX FAST 2021",
                        "https://www.usenix.org/conference/fast21/presentation/mohan"),
    "gemini-sosp23": _e("paper", "Z. Wang et al., GEMINI: Fast Failure Recovery in Distributed Training with "
                                 "In-Memory Checkpoints, SOSP 2023. doi:10.1145/3600006.3613145",
                        "https://doi.org/10.1145/3600006.3613145"),
    "megascale-nsdi24": _e("paper", "Z. Jiang et al., MegaScale: Scaling Large Language Model Training to More "
                                    "Than 10,000 GPUs, NSDI 2024. arXiv:2402.15627",
                           "https://arxiv.org/abs/2402.15627"),
    "pytorch-dcp-async-save": _e("repository", "pytorch/pytorch, torch/distributed/checkpoint/state_dict_saver.py "
                                               "async_save (stages the state dict to CPU memory, persists in the "
                                               "background)", "https://github.com/pytorch/pytorch/blob/main/torch/"
                                               "distributed/checkpoint/state_dict_saver.py"),
    "megatron-async-checkpoint": _e("repository", "NVIDIA/Megatron-LM, megatron/core/dist_checkpointing/strategies/"
                                                  "async_utils.py and filesystem_async.py (async_save: copy to host, "
                                                  "write in a background process)",
                                    "https://github.com/NVIDIA/Megatron-LM/blob/main/megatron/core/"
                                    "dist_checkpointing/strategies/async_utils.py"),
    "pcie-5-spec": _e("standard", "PCI-SIG, PCI Express Base Specification Revision 5.0 (32 GT/s; x16 ≈ 64 GB/s "
                                  "per direction)", "https://pcisig.com/specifications"),
    # --- cluster envelopes and server hardware ---
    "nvidia-dgx-superpod-h100-ra": _e("url", "NVIDIA, DGX SuperPOD Reference Architecture with DGX H100 "
                                             "(RA-11333-001), Storage Architecture: Table 5 (workload levels) and "
                                             "Table 6 (storage performance guidelines, GB/s)",
                                      "https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-"
                                      "infrastructure-h100/latest/storage-architecture.html"),
    "ddn-dgx-b200-blog-2025": _e("url", "DDN, DDN's AI storage optimized for NVIDIA DGX B200 (blog, 2025): "
                                        "'our usual minimum requirement of 1 GB/s/GPU for read and write'",
                                 "https://ddn.com/blog/ddns-ai-storage-optimized-for-nvidia-dgx-b200-platform-"
                                 "handling-ai-at-any-scale-with-nvidia-blackwell"),
    "nvidia-dgx-h100-user-guide": _e("url", "NVIDIA DGX H100/H200 User Guide: internal storage (8 × 3.84 TB NVMe "
                                            "U.2 data cache in RAID 0, cachefilesd), 2 TB system memory",
                                     "https://docs.nvidia.com/dgx/dgxh100-user-guide/"),
    "nvidia-dgx-gb200-user-guide-storage": _e("url", "NVIDIA DGX GB200 User Guide, Storage: local NVMe in RAID 0 "
                                                     "as cachefilesd cache and for temporary checkpoints flushed to "
                                                     "shared storage",
                                              "https://docs.nvidia.com/dgx/dgxgb200-user-guide/storage.html"),
    "meta-rsc-2022": _e("url", "Meta AI, Introducing the AI Research SuperCluster (blog, 2022-01-24): 760 DGX A100 "
                               "(6,080 A100) in phase 1, 16,000 A100 when complete, analysing 'text, images, and "
                               "video together'; 'a caching and storage system that can serve 16 TB/s of training "
                               "data' (figure as quoted in the press coverage of the announcement, e.g. "
                               "candid.technology/meta-supercomputer)", "https://ai.meta.com/blog/ai-rsc/"),
    "mlperf-storage-results-v1": _e("repository", "mlcommons/storage_results_v1.0 (MLPerf Storage v1.0 results, 2024), "
                                                  "Closed/*/results/**/mlperf_storage_report.json: "
                                                  "train_num_accelerators and train_throughput_mean_MB_per_second "
                                                  "(MiB/s)", "https://github.com/mlcommons/storage_results_v1.0"),
    "deepseek-3fs-readme": _e("repository", "deepseek-ai/3FS, README.md, Performance, 1. Peak throughput: 180 storage "
                                            "nodes (2×200 Gb/s IB, 16 × 14 TiB NVMe each), 500+ client nodes, "
                                            "aggregate read approximately 6.6 TiB/s with background traffic from "
                                            "training jobs",
                              "https://github.com/deepseek-ai/3FS"),
    "fire-flyer-2024": _e("paper", "W. An et al. (DeepSeek-AI), Fire-Flyer AI-HPC: A Cost-Effective Software-Hardware "
                                   "Co-Design for Deep Learning, SC'24. arXiv:2408.14158 (10,000 PCIe A100 GPUs, 3FS)",
                          "https://arxiv.org/abs/2408.14158"),
    # --- prices ---
    "spheron-b200-guide-2026": _e("url", "Spheron, NVIDIA B200 Guide: Specs, Benchmarks, Cloud Pricing & H100 "
                                         "Upgrade (2026-03-19): B200 $6.03/hr on-demand per GPU (a published "
                                         "neocloud list price)", "https://www.spheron.network/blog/nvidia-b200-"
                                         "complete-guide"),
    "cliffcenter-amd-inference-economics-2026": _e("url", "Cliff Center, AMD inference economics (research note, "
                                                          "2026-05-18): MI300X listed at Azure $6/hr and Oracle "
                                                          "$6/hr per GPU (a secondary report of the list prices)",
                                                   "https://www.cliffcenter.com/research/amd-inference-economics"),
    "aws-ec2-capacity-blocks-pricing": _e("url", "Amazon EC2 Capacity Blocks for ML pricing: effective accelerator "
                                                 "hourly rate, US East (table in force until 2025-01-01): "
                                                 "p4d A100 $1.844, p5 H100 $4.916, p5e H200 $5.408",
                                          "https://aws.amazon.com/ec2/capacityblocks/pricing/"),
    "aws-fsx-lustre-pricing": _e("url", "Amazon FSx for Lustre pricing: Persistent-2 SSD at 125 MB/s/TiB, "
                                        "$0.145 per GB-month (US East)", "https://aws.amazon.com/fsx/lustre/pricing/"),
    "meta-10k-2024": _e("url", "Meta Platforms, Form 10-K for fiscal 2024: useful life of servers and network "
                               "assets extended to 5.5 years from January 2025",
                        "https://investor.atmeta.com/financials/"),
    # --- training data ---
    "kaplan2020": _e("paper", "J. Kaplan et al., Scaling Laws for Neural Language Models, 2020. arXiv:2001.08361 "
                              "(≈ 6 FLOPs per parameter per token)", "https://arxiv.org/abs/2001.08361"),
    "megatron-indexed-dataset": _e("repository", "NVIDIA/Megatron-LM, megatron/core/datasets/indexed_dataset.py "
                                                 "DType.optimal_dtype", "https://github.com/NVIDIA/Megatron-LM/blob/"
                                                 "main/megatron/core/datasets/indexed_dataset.py"),
}
