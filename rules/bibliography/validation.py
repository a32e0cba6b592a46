"""Bibliography entries for the validation area: key → {kind, reference, url}. See __init__.py."""

REFERENCES = {
    "mlperf-storage-v2": {
        "kind": "repository",
        "reference": "MLCommons, MLPerf Storage benchmark v2.0 (mlcommons/storage): Submission_guidelines.md "
                     "(checkpointing with fsync, cold restore, AU) and configs/dlio/workload/*.yaml",
        "url": "https://github.com/mlcommons/storage"},
    "dlio-benchmark": {
        "kind": "repository",
        "reference": "Argonne LCF, DLIO benchmark (argonne-lcf/dlio_benchmark), dlio_benchmark/utils/statscounter.py "
                     "(accelerator utilisation, step 0 excluded)",
        "url": "https://github.com/argonne-lcf/dlio_benchmark"},
    "pytorch-dataloader": {
        "kind": "url", "reference": "PyTorch documentation, torch.utils.data.DataLoader (prefetch_factor default 2)",
        "url": "https://pytorch.org/docs/stable/data.html"},
    "hf-transformers-save-pretrained": {
        "kind": "url",
        "reference": "Hugging Face Transformers, PreTrainedModel.save_pretrained (max_shard_size default \"5GB\")",
        "url": "https://huggingface.co/docs/transformers/main_classes/model"},
    "runai-model-streamer": {
        "kind": "repository",
        "reference": "Run:ai Model Streamer (run-ai/runai-model-streamer), docs/src/env-vars.md: "
                     "RUNAI_STREAMER_CONCURRENCY 16 threads and RUNAI_STREAMER_CHUNK_BYTESIZE 2 MiB for file systems",
        "url": "https://github.com/run-ai/runai-model-streamer/blob/master/docs/src/env-vars.md"},
    "vllm-engine-args": {
        "kind": "url", "reference": "vLLM documentation, Engine Arguments (--block-size, 16 tokens by default on CUDA)",
        "url": "https://docs.vllm.ai/en/latest/configuration/engine_args.html"},
    "diskann-neurips2019": {
        "kind": "paper",
        "reference": "S. J. Subramanya, Devvrit, R. Kadekodi, R. Krishnaswamy, H. V. Simhadri, \"DiskANN: Fast "
                     "Accurate Billion-point Nearest Neighbor Search on a Single Node\", NeurIPS 2019 "
                     "(graph nodes in 4 KiB SSD sectors, beam search of width W)",
        "url": "https://www.microsoft.com/en-us/research/publication/diskann-fast-accurate-billion-point-nearest-neighbor-search-on-a-single-node/"},
    "faiss-wiki-indexes": {
        "kind": "url", "reference": "FAISS wiki, \"Faiss indexes\" (IVF inverted lists scanned per probe; HNSW and "
                                    "flat indexes held in memory)",
        "url": "https://github.com/facebookresearch/faiss/wiki/Faiss-indexes"},
    "fio-howto": {
        "kind": "url",
        "reference": "J. Axboe, fio HOWTO / documentation (job options, ioengine=io_uring, opendir, write_lat_log "
                     "with log_avg_msec=0, time suffixes, JSON output)",
        "url": "https://fio.readthedocs.io/en/latest/fio_doc.html"},
    "io-uring-man": {
        "kind": "url", "reference": "Linux man-pages, io_uring(7)",
        "url": "https://man7.org/linux/man-pages/man7/io_uring.7.html"},
    "linux-open-2": {
        "kind": "url", "reference": "Linux man-pages, open(2), notes on O_DIRECT alignment",
        "url": "https://man7.org/linux/man-pages/man2/open.2.html"},
    "pandas-io": {
        "kind": "url", "reference": "pandas user guide, IO tools (read_csv, read_parquet)",
        "url": "https://pandas.pydata.org/docs/user_guide/io.html"},
    "boto3-s3-transfer": {
        "kind": "url",
        "reference": "Boto3 documentation, S3 TransferConfig (multipart_chunksize 8 MB, max_concurrency 10)",
        "url": "https://boto3.amazonaws.com/v1/documentation/api/latest/reference/customizations/s3.html"},
    "moto-server-mode": {
        "kind": "url", "reference": "Moto documentation, Server mode (moto_server: a standalone HTTP S3 endpoint)",
        "url": "https://docs.getmoto.org/en/latest/docs/server_mode.html"},
    "fhs-3.0": {
        "kind": "standard", "reference": "Linux Foundation, Filesystem Hierarchy Standard 3.0 (2015)",
        "url": "https://refspecs.linuxfoundation.org/FHS_3.0/fhs-3.0.html"},
}
