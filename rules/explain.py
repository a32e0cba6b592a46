"""The one explain module: turns a structured finding into the sentence users read."""
import re
import string
from functools import lru_cache

from . import units

# Rule id → sentence template. Fields: {inputs[name]}, {result[name]}, and the formatted
# helpers {b:...} (bytes), {bps:...} (bytes/s), {s:...} (seconds) applied in `sentence`.
# Each family adds its entries in its own block; keep templates one sentence long.
TEMPLATES = {
    # --- training and CV (rules/training.py, rules/cv.py) ---
    "parameters_from_model_dims":
        "The model has {result[parameters]} parameters ({result[active_parameters]} active per token).",
    "checkpoint_bytes_per_param_from_recipe":
        "A resumable checkpoint stores {result[bytes_per_param]} per parameter ({inputs[optimizer]}, "
        "{inputs[precision]}, {inputs[framework]}): weights, master copy and optimizer state, not gradients.",
    "checkpoint_size_from_parameters":
        "Each checkpoint is {result[total_bytes]} ({inputs[parameters]} parameters × "
        "{inputs[bytes_per_param]}), of which the weights are {result[weights_bytes]}.",
    "checkpoint_files_from_layout":
        "The {inputs[framework]} layout writes {result[files]} files per checkpoint; the slowest writer "
        "(pipeline stage {result[slowest_stage]}) writes {result[per_rank_bytes]} against a mean of "
        "{result[mean_rank_bytes]}, and the largest file is {result[largest_file_bytes]}.",
    "failure_rate_sets_interrupt_interval":
        "With {inputs[nodes]} GPU server(s) at {inputs[failures_per_1000_node_days]} failures per 1000 "
        "node-days, the job is interrupted every {result[mean_time_to_interrupt_s]} on average.",
    "checkpoint_interval_from_failure_rate":
        "Checkpoint every {result[interval_s]} (Daly's optimum {result[daly_optimum_s]}; Young "
        "{result[young_interval_s]} for a {inputs[stall_s]} stall), losing about {result[waste_percent]} % "
        "of the run to checkpoints and failures; sized by {inputs[sizing]}.",
    "checkpoint_stall_sets_write_bandwidth":
        "Writing {inputs[total_bytes]} within the {inputs[stall_s]} stall budget needs "
        "{result[write_bytes_per_s]} of write bandwidth.",
    "async_persist_sets_write_bandwidth":
        "Persisting {inputs[total_bytes]} before the next checkpoint, {inputs[interval_s]} later, needs "
        "{result[write_bytes_per_s]} of sustained writes.",
    "restore_sets_read_bandwidth":
        "Restoring {result[restore_read_bytes]} within the {inputs[recovery_s]} recovery objective "
        "({inputs[restart_s]} of it restart overhead) needs {result[restore_bytes_per_s]} of reads.",
    "retention_sets_checkpoint_capacity":
        "Keeping {inputs[retained]} checkpoints takes {result[retention_bytes]}.",
    "training_data_read_rate_from_token_throughput":
        "Training on {inputs[gpus]} GPUs consumes about {result[tokens_per_s]} tokens per second, only "
        "{result[read_bytes_per_s]} of reads.",
    "cv_read_rate_from_batch_and_step_time":
        "Each {inputs[accelerator]} on {inputs[workload]} reads {inputs[batch_size]} samples of "
        "{inputs[sample_bytes]} every {inputs[step_time_s]}, so {inputs[accelerators]} accelerators need "
        "{result[read_bytes_per_s]} ({result[per_accelerator_read_bytes_per_s]} each, {result[iops]} IOPS).",
    "cv_dataset_fits_local_nvme":
        "The {inputs[dataset_bytes]} dataset {result[verdict]} each server's {inputs[node_local_nvme_bytes]} "
        "of local NVMe.",
    # --- cluster scale (issue 8: rules/envelope.py, rules/checkpoint_plan.py, rules/tiers.py) ---
    "checkpoint_cost_sets_interval_and_write_bandwidth":
        "At {inputs[gpu_hour_usd]} $/GPU-hour for {inputs[gpus]} GPUs, checkpointing every {result[interval_s]} "
        "at {result[write_bytes_per_s]} costs least: {result[cost_usd_per_day]} $/day, of which "
        "{result[gpu_usd_per_day]} $ idle or lost GPU time and {result[storage_usd_per_day]} $ storage.",
    "restore_costed_against_idle_gpus":
        "Restoring {inputs[restore_read_bytes]} at {result[restore_bytes_per_s]} takes {result[restore_s]}, "
        "where idle GPUs and read bandwidth cost least together (set by {result[decided_by]}).",
    "checkpoint_files_set_metadata_rate":
        "Creating {inputs[files]} checkpoint files within {inputs[window_s]} needs {result[file_creates_per_s]} "
        "file creates per second.",
    "checkpoint_staged_locally":
        "Each server keeps {inputs[local_copies]} staged checkpoint(s) in {inputs[staging]}: "
        "{result[local_staging_bytes]} of {result[local_free_bytes]} available, drained at "
        "{result[drain_bytes_per_s]}.",
    "cluster_envelope_from_reference_architectures":
        "For {inputs[gpus]} {inputs[gpu_model]} GPUs ({inputs[workload_class]} class, {inputs[class_basis]}) the "
        "published envelope is {result[envelope_read_bytes_per_s]} read and {result[envelope_write_bytes_per_s]} "
        "write ({result[basis]}).",
    "shared_tier_is_larger_of_jobs_and_envelope":
        "The shared tier is sized at {result[read_bytes_per_s]} read and {result[write_bytes_per_s]} write: the "
        "jobs need {result[job_read_bytes_per_s]} and {result[job_write_bytes_per_s]}, the envelope gives "
        "{result[envelope_read_bytes_per_s]} and {result[envelope_write_bytes_per_s]} (envelope sets: "
        "{result[envelope_sets]}).",
    "server_hardware_used_first":
        "The GPU servers already have {inputs[server_provided_capacity_bytes]} each on {inputs[tier]}, so of the "
        "{inputs[need_capacity_bytes]} needed {result[capacity_to_buy_bytes]} per server is left to buy.",
    "capacity_planned_over_the_horizon":
        "Over {inputs[horizon_years]} years, keeping every {inputs[keep_every]}-th checkpoint for "
        "{inputs[keep_days]} days adds {result[long_term_checkpoints]} copies ({result[long_term_checkpoint_bytes]}); "
        "the data grows to {result[raw_bytes]} raw, {result[tokenised_bytes]} tokenised and {result[derived_bytes]} "
        "derived.",
    "partitions_share_the_shared_tier":
        "Partitions {inputs[partitions]} share {inputs[tier]}: {result[average_read_bytes_per_s]} read and "
        "{result[average_write_bytes_per_s]} write on average, {result[read_bytes_per_s]} and "
        "{result[write_bytes_per_s]} at one partition's peak.",
    "training_data_cache_hit_ratio":
        "Each server's {inputs[shard_bytes]} shard meets {inputs[free_local_bytes]} of free local NVMe: a "
        "{result[hit_ratio]} hit ratio over {inputs[epochs]} epoch(s), so the shared tier serves "
        "{result[shared_read_bytes_per_s]} on average ({result[first_epoch_read_bytes_per_s]} in the first epoch).",
    # --- inference, RAG, video, tabular, ingest (rules/inference.py ... rules/ingest.py) ---
    "kv_bytes_per_token_from_attention":
        "The KV cache takes {result[bytes_per_token]} per token ({inputs[attention]}, {inputs[layers]} "
        "layers, {inputs[kv_dtype]}), {result[bytes_per_token_per_gpu]} B of it on each GPU at TP "
        "{inputs[tensor_parallel]}.",
    "weights_set_model_load":
        "The weights take {result[total_bytes]}; a cold start loads them in {result[load_time_s]}, "
        "which needs {result[read_bytes_per_s]} of reads with {inputs[concurrent_cold_starts]} "
        "replica(s) starting together.",
    "weights_exceed_replica_hbm":
        "The weights ({inputs[weight_bytes]}) do not fit the {result[usable_hbm_bytes]} of usable HBM of "
        "a replica at TP {inputs[tensor_parallel]}: serve with tensor parallelism of at least "
        "{result[min_tensor_parallel]}, or every decode step streams the rest from a lower tier.",
    "load_vs_recompute_break_even":
        "Loading cached KV beats recomputing it only when the tier feeds each GPU faster than "
        "{result[per_gpu_break_even_bytes_per_s]} ({result[per_node_break_even_bytes_per_s]} per "
        "server).",
    "kv_capacity_against_hbm_headroom":
        "{inputs[sequences_per_replica]} sequences of {inputs[context_tokens]} tokens need "
        "{result[per_gpu_kv_bytes]} of KV on each GPU at TP {inputs[tensor_parallel]} against "
        "{result[per_gpu_hbm_pool_bytes]} of HBM left after its weights, so {result[per_gpu_spill_bytes]} "
        "per GPU must go to a lower tier.",
    "kv_reuse_sets_offload_reads_and_latency":
        "Reused prefixes and sessions bring back {result[hit_tokens_per_s]} tokens/s of KV "
        "({result[reads_per_s]} block reads/s, {result[read_bytes_per_s]}); a {result[block_bytes_per_gpu]} "
        "block beats recomputing only if read within {result[latency_budget_s]} at p99 (object storage: "
        "{result[object_meets_latency]}), and TTFT falls from {result[ttft_without_offload_s]} to "
        "{result[host_memory_ttft_s]} from host memory or {result[gpu_local_nvme_ttft_s]} from local NVMe.",
    "kv_offload_tier_and_bandwidth":
        "Offloaded KV ({result[offload_capacity_bytes]}, {result[node_offload_bytes]} per server) "
        "goes to {result[offload_tier]}, which must read {result[read_bytes_per_s]} and write "
        "{result[write_bytes_per_s]}.",
    "kv_stays_in_hbm":
        "All live KV ({inputs[kv_bytes]}) fits the HBM pool ({inputs[hbm_pool_bytes]}) and no "
        "sessions are retained, so no KV offload tier is needed.",
    "rag_index_bytes_by_encoding_and_type":
        "{inputs[vectors]} {inputs[encoding]} vectors of {inputs[dimensions]} dimensions in a "
        "{inputs[index]} index take {result[memory_bytes]} of RAM and {result[ssd_bytes]} of SSD "
        "(raw vectors {result[raw_vector_bytes]}).",
    "rag_iops_from_qps":
        "{inputs[qps]} queries/s × {inputs[ios_per_query]} index reads each need {result[iops]} "
        "IOPS ({result[read_bytes_per_s]}) plus {result[chunk_iops]} document-chunk reads/s.",
    "rag_index_read_latency_from_query_latency":
        "Within a {inputs[query_latency_s]} DiskANN query of {inputs[ios_per_query]} I/Os at beamwidth "
        "{inputs[beamwidth]}, each index read must finish within {result[index_read_latency_s]} at the "
        "required rate (checked against the measured p99).",
    "rag_corpus_and_embedding_capacity":
        "The knowledge base holds {result[corpus_bytes]} of documents and {result[embedding_bytes]} "
        "of float32 embeddings, read at {result[read_bytes_per_s]} for top-k chunks.",
    "video_stream_reads_and_retention":
        "{inputs[streams]} streams of {inputs[stream_bytes_per_s]} each move {result[read_bytes_per_s]}, "
        "and keeping {inputs[retention_days]} days of them takes {result[capacity_bytes]}.",
    "results_persistence_small_writes":
        "Persisting results {inputs[persist]} is {result[tracks_per_s]} objects/s, {result[iops]} small "
        "writes/s of about {result[io_bytes]} ({result[write_bytes_per_s]}), {result[capacity_bytes]} over "
        "the retention period.",
    "video_numa_guidance":
        "With {inputs[sockets]} sockets, each socket should read its {result[streams_per_socket]} "
        "streams ({result[per_socket_read_bytes_per_s]}) through its own NIC and NVMe and decode "
        "{result[decoded_frames_per_s_per_socket]} frames/s ({result[decode_pixels_per_s_per_socket]} "
        "pixels/s) on its own GPUs or cores.",
    "detector_recogniser_cascade":
        "The detector runs {result[detector_hz]} times/s and the recogniser {result[recogniser_hz]} "
        "times/s: the pipeline is compute-bound and storage sees steady streaming reads.",
    "tabular_scan_rate_and_parse_cost":
        "Scanning {inputs[dataset_bytes]} of {inputs[format]} in {inputs[scan_target_s]} reads "
        "{result[read_bytes_per_s]} and costs {result[parse_cpu_s]} of CPU time, i.e. "
        "{result[parse_cores]} cores.",
    "tabular_dataframe_memory":
        "The DataFrame takes about {result[dataframe_bytes]} in memory; plan {result[memory_bytes]} "
        "of RAM to work on it.",
    "tabular_prefers_cpu_and_storage_over_gpu":
        "Loading takes {inputs[load_s]} against {inputs[train_s]} of training (non-AI share "
        "{result[non_ai_fraction]}), so the advice is '{result[compute]}': {result[first]} first, since "
        "GPUs only shorten training; as Parquet loading would take {result[load_s_as_parquet]}, with "
        "Arrow strings {result[load_s_with_arrow_strings]}.",
    "ingest_rate_by_mode":
        "Ingest ({inputs[mode]}) of {inputs[daily_bytes]} a day from {inputs[source]} sources writes "
        "{result[write_bytes_per_s]} and lands {result[capacity_bytes]} on {result[tier]}.",
    # --- tiers (rules/tiers.py) ---
    "shared_tier_needs_add_up":
        "On {inputs[tier]}, {inputs[needs]} add up to {result[capacity_bytes]}, {result[read_bytes_per_s]} "
        "of reads and {result[write_bytes_per_s]} of writes.",
}


class _Formatted(dict):
    """Lets templates say {result_h[total_bytes]} to get '104.7 GiB (112.4 GB)'-style text."""

    def __missing__(self, key):
        return "?"


def humanize(name, value):
    """Format a value by the unit its field name carries (units in field names, STYLE.md)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return _formatter(name)(value)


@lru_cache(maxsize=1024)
def _formatter(name):
    """The units formatter a field name asks for; read once per name (~30 values a sentence set)."""
    if name.endswith("_bytes_per_s"):
        return units.format_rate
    if name.endswith("_bytes") or name == "bytes_per_token" or name.endswith("bytes_per_param"):
        return units.format_bytes
    if name.endswith("_per_s"):  # a rate of something other than bytes (tokens_per_s)
        return units.format_number
    if name.endswith("_s"):
        return units.format_duration
    return units.format_number


def _human_dict(values):
    return _Formatted({k: humanize(k, v) for k, v in (values or {}).items()})


class _FormattedOnUse:
    """What _human_dict gives a template, formatting only the values the template names."""

    def __init__(self, values):
        self.values = values or {}

    def __getitem__(self, key):
        return humanize(key, self.values[key]) if key in self.values else "?"


def sentence(finding):
    """One sentence for a finding: its template when there is one, else a generic one."""
    template = TEMPLATES.get(finding["rule"])
    if template:
        parts = _parts(template)
        if parts is None:
            return template.format(inputs=_FormattedOnUse(finding.get("inputs")),
                                   result=_FormattedOnUse(finding.get("result")))
        return _filled(parts, finding)
    result_h = _human_dict(finding.get("result"))
    results = ", ".join(f"{k.replace('_', ' ')} = {v}" for k, v in result_h.items())
    formula = finding.get("formula", "")
    return f"{results} ({formula})." if formula else f"{results}."


_FIELD = re.compile(r"(inputs|result)\[([^\[\]]+)\]")


@lru_cache(maxsize=256)
def _parts(template):
    """A template as (text, section, field) parts, parsed once: str.format over _FormattedOnUse cost
    ~1.5 µs a field. None for a field str.format would read otherwise (a format spec, a digit key)."""
    parts = []
    for text, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            parts.append((text, None, None))
            continue
        named = _FIELD.fullmatch(field)
        if spec or conversion or not named or named.group(2).isdigit():
            return None
        parts.append((text, named.group(1), named.group(2)))
    return tuple(parts)


def _filled(parts, finding):
    """The sentence str.format gives with _FormattedOnUse: each field humanized, '?' when missing."""
    sections = {"inputs": finding.get("inputs") or {}, "result": finding.get("result") or {}}
    out = []
    for text, section, key in parts:
        out.append(text)
        if section is not None:
            values = sections[section]
            out.append(humanize(key, values[key]) if key in values else "?")
    return "".join(out)
