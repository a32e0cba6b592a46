"""Wizard steps, one form per step: human units in, base units out, each field tied to its
dotted path in the use-case document (the same document the API and CLI take)."""
from django import forms

from recommender import formatting as units
from rules import presets, usecase

from . import advanced as adv

WORKLOADS = [
    ("llm_training", "LLM training / fine-tuning"),
    ("cv_training", "CV / other training (MLPerf-style)"),
    ("llm_inference", "LLM inference"),
    ("rag", "Retrieval-augmented generation (vector index)"),
    ("video_analytics", "Video analytics"),
    ("tabular_ml", "Tabular ML"),
    ("data_ingest", "Data ingest"),
]
PRIORITIES = [("balanced", "Balanced"), ("performance", "Performance first"), ("cost", "Cost first")]
PRECISIONS = [("bf16", "bf16"), ("fp16", "fp16"), ("fp8", "fp8"), ("fp32", "fp32")]
KV_DTYPES = ["bf16", "fp16", "fp8", "int8", "fp32", "fp8_ds_mla"]   # rules/formulas_serving.py
WEIGHT_DTYPES = ["bf16", "fp16", "fp8", "int8", "int4", "fp32"]
OPTIMIZERS = [("adamw", "AdamW"), ("adam", "Adam"), ("sgd", "SGD"), ("sgd_momentum", "SGD with momentum"),
              ("adafactor", "Adafactor"), ("adam_8bit", "8-bit Adam"), ("none", "none (weights only)")]
FRAMEWORKS = [("", "default (Megatron/DeepSpeed mixed precision)"), ("megatron", "Megatron-LM"),
              ("megatron_legacy", "Megatron-LM (legacy layout)"), ("deepspeed", "DeepSpeed"), ("fsdp", "PyTorch FSDP"),
              ("hf_trainer", "Hugging Face Trainer")]


def preset_choices(kind, empty):
    """Choices from fixtures/presets (rules.presets), labelled with each preset's own name."""
    def choices():
        entries = [(name, presets.get(kind, name) or {}) for name in presets.names(kind)]
        return [("", empty)] + [(name, f"{entry.get('name', name)} ({name})") for name, entry in entries]
    return choices


class QuantityField(forms.CharField):
    """A number with a unit ('1.5 TB', '25 GB/s', '30 min') cleaned to base units."""

    parsers = {"bytes": units.parse_bytes, "rate": units.parse_rate, "duration": units.parse_duration}

    def __init__(self, kind, default_unit, **kwargs):
        self.kind, self.default_unit = kind, default_unit
        kwargs.setdefault("help_text", f"a bare number is in {default_unit}")
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            parsed = self.parsers[self.kind](value, self.default_unit)
        except units.UnitError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if parsed <= 0:
            raise forms.ValidationError("must be greater than zero")
        return parsed

    def display(self, value):
        """Base units back to what a person types in the default unit: 600.0 s -> '10 min'."""
        unit = self.default_unit
        factor = {"bytes": lambda: units.BYTE_UNITS[unit.lower()], "rate": lambda: units.BYTE_UNITS[unit[:-2].lower()],
                  "duration": lambda: units.DURATION_UNITS[unit]}[self.kind]()
        return f"{value / factor:.12g} {unit}"


class CountField(forms.CharField):
    """A large count: '70B', '1.2M', '3e9' or plain digits -> int (at most `maximum`, when given)."""

    SUFFIXES = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}

    def __init__(self, maximum=None, **kwargs):
        self.maximum = maximum
        super().__init__(**kwargs)

    def display(self, value):
        return str(value)

    def validate(self, value):
        super().validate(value)
        if self.maximum is not None and value is not None and value > self.maximum:
            raise forms.ValidationError(f"must be at most {self.maximum:,}")

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number, suffix = units.split_quantity(value)
            factor = self.SUFFIXES[suffix]
            count = units.finite(number * factor, value)
        except units.TooLarge as exc:
            raise forms.ValidationError(str(exc)) from exc
        except (units.UnitError, KeyError) as exc:
            raise forms.ValidationError("write a count like 70B, 1.2M or 8000000") from exc
        if number <= 0:
            raise forms.ValidationError("must be greater than zero")
        return round(count)


def positive_int(label, required=False, minimum=1, max_value=usecase.MAX_GPUS, **kwargs):
    """A whole number from `minimum`; the default ceiling is the validator's largest GPU count."""
    return forms.IntegerField(label=label, required=required, min_value=minimum, max_value=max_value, **kwargs)


def set_path(document, path, value):
    """set_path(doc, "parallelism.tensor", 8) creates the nested objects on the way."""
    *parents, last = path.split(".")
    node = document
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


class StepForm(forms.Form):
    """A wizard step. `paths` ties each field to its dotted path in the use-case document."""

    title = ""
    intro = ""
    step = ""  # set from STEPS below
    paths = {}
    # Fields people type in percent → the fraction field of `paths` they fill ("5 %" → 0.05).
    percent_fields = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.advanced = {adv.field_name(e): e for e in adv.ADVANCED.get(self.step, [])}
        for name, entry in self.advanced.items():
            self.fields[name] = adv.form_field(entry, QuantityField, CountField)
        self.paths = {**type(self).paths, **{name: e.path for name, e in self.advanced.items()}}

    def main_fields(self):
        return [f for f in self if f.name not in self.advanced]

    def advanced_fields(self):
        return [f for f in self if f.name in self.advanced]

    def clean(self):
        data = super().clean()
        for percent, fraction in self.percent_fields.items():
            if data.get(percent) is not None:
                data[fraction] = data[percent] / 100
        for name, entry in self.advanced.items():
            data[name] = adv.document_value(entry, data.get(name))
        return data

    def contribute(self, document):
        for field, path in self.paths.items():
            value = self.cleaned_data.get(field)
            if value not in (None, ""):
                set_path(document, path, value)

    def field_for_path(self, path):
        """The field an error at `path` belongs to: exact match, else the nearest parent."""
        by_path = {p: f for f, p in self.paths.items()}
        shown_as = {fraction: percent for percent, fraction in self.percent_fields.items()}
        while path:
            if path in by_path:
                return shown_as.get(by_path[path], by_path[path])
            path = path.rpartition(".")[0]
        return None

    def owns(self, path):
        """True when an error at `path` concerns this step (a field of it, or a section it fills)."""
        section = path.split(".")[0] + "."
        return bool(self.field_for_path(path)) or any(
            p.startswith(path + ".") or ("." in path and p.startswith(section)) for p in self.paths.values())


class BasicsForm(StepForm):
    title = "Use case"
    intro = "Name the use case and pick its workload family; the next steps ask what that family needs."
    paths = {"name": "name", "workload": "workload", "priority": "priority"}
    name = forms.CharField(max_length=200, required=False, help_text="shown in your list of use cases")
    workload = forms.ChoiceField(choices=WORKLOADS, widget=forms.RadioSelect, label="Main workload")
    also = forms.MultipleChoiceField(choices=WORKLOADS, required=False, widget=forms.CheckboxSelectMultiple,
                                     label="Also on the same storage",
                                     help_text="combined use cases (train + serve + RAG): needs on a shared tier add up")
    priority = forms.ChoiceField(choices=PRIORITIES, initial="balanced",
                                 help_text="how proposals are ranked")

    def contribute(self, document):
        super().contribute(document)
        also = [w for w in self.cleaned_data.get("also") or [] if w != self.cleaned_data["workload"]]
        document["workload"] = [self.cleaned_data["workload"], *also] if also else self.cleaned_data["workload"]

    def field_for_path(self, path):
        return "also" if path.startswith("workload.") else super().field_for_path(path)


class ClusterForm(StepForm):
    title = "Cluster"
    intro = "How many accelerators the use case runs on; failure rates and per-node tiers scale with it."
    paths = {"gpus": "gpus", "gpu_model": "gpu_model"}
    gpus = positive_int("GPUs", required=True, max_value=usecase.MAX_GPUS,
                        help_text=f"accelerators in the cluster, at most {usecase.MAX_GPUS:,}")
    gpu_model = forms.ChoiceField(label="GPU model", required=False,
                                  choices=preset_choices("gpus", "unspecified"))


DIM_MAX = {name: high for name, _, high in usecase.INT_DIMS}


class ModelForm(StepForm):
    title = "Model"
    intro = "A published preset, the model's dimensions, or just a parameter count."
    paths = {"preset": "model.preset", "parameters": "model.parameters", "layers": "model.layers",
             "hidden_size": "model.hidden_size", "ffn_hidden_size": "model.ffn_hidden_size",
             "attention_heads": "model.attention_heads", "kv_heads": "model.kv_heads",
             "vocab_size": "model.vocab_size", "head_dim": "model.head_dim",
             "kv_lora_rank": "model.kv_lora_rank", "qk_rope_head_dim": "model.qk_rope_head_dim",
             "experts": "model.experts", "experts_per_token": "model.experts_per_token"}
    DIMS = ["layers", "hidden_size", "ffn_hidden_size", "attention_heads", "kv_heads", "vocab_size"]
    preset = forms.ChoiceField(required=False, choices=preset_choices("models", "— dimensions or a count below —"))
    parameters = CountField(required=False, help_text="or a bare count, e.g. 70B")
    layers = positive_int("Layers", max_value=DIM_MAX["layers"])
    hidden_size = positive_int("Hidden size", max_value=DIM_MAX["hidden_size"])
    ffn_hidden_size = positive_int("FFN hidden size", max_value=DIM_MAX["ffn_hidden_size"])
    attention_heads = positive_int("Attention heads", max_value=DIM_MAX["attention_heads"])
    kv_heads = positive_int("KV heads", max_value=DIM_MAX["kv_heads"], help_text="fewer than attention heads means GQA")
    vocab_size = positive_int("Vocabulary size", max_value=DIM_MAX["vocab_size"])
    head_dim = positive_int("Head dim", max_value=DIM_MAX["head_dim"], help_text="optional")
    kv_lora_rank = positive_int("KV LoRA rank", max_value=DIM_MAX["kv_lora_rank"], help_text="MLA models only (DeepSeek)")
    qk_rope_head_dim = positive_int("RoPE head dim", max_value=DIM_MAX["qk_rope_head_dim"], help_text="MLA models only")
    experts = positive_int("Experts", max_value=DIM_MAX["experts"], help_text="mixture-of-experts models only")
    experts_per_token = positive_int("Experts per token", max_value=DIM_MAX["experts_per_token"], help_text="MoE: routed experts each token uses")

    def clean(self):
        data = super().clean()
        given = [name for name in self.DIMS if data.get(name)]
        ways = sum([bool(data.get("preset")), bool(data.get("parameters")), bool(given)])
        if ways == 0:
            raise forms.ValidationError("Give a preset, the model dimensions, or a parameter count.")
        if ways > 1:
            raise forms.ValidationError("Give only one of: a preset, the dimensions, a parameter count.")
        for name in self.DIMS:
            if given and not data.get(name) and name != "kv_heads":
                self.add_error(name, "needed when you give the dimensions")
        return data


class TrainingForm(StepForm):
    title = "Precision and optimizer"
    intro = "These set the checkpoint bytes per parameter (14 B/param for mixed-precision Adam)."
    paths = {"precision": "precision", "optimizer": "optimizer", "framework": "framework"}
    precision = forms.ChoiceField(choices=PRECISIONS, initial="bf16")
    optimizer = forms.ChoiceField(choices=OPTIMIZERS, initial="adamw")
    framework = forms.ChoiceField(choices=FRAMEWORKS, required=False)


class ParallelismForm(StepForm):
    title = "Parallelism"
    intro = "The layout decides how many checkpoint files there are and how big each is."
    paths = {"tensor": "parallelism.tensor", "pipeline": "parallelism.pipeline", "data": "parallelism.data",
             "context": "parallelism.context", "expert": "parallelism.expert",
             "zero_stage": "parallelism.zero_stage"}
    tensor = positive_int("Tensor parallel", initial=1)
    pipeline = positive_int("Pipeline parallel", initial=1)
    data = positive_int("Data parallel", help_text="empty: GPUs ÷ (tensor × pipeline × context)")
    context = positive_int("Context parallel", initial=1)
    expert = positive_int("Expert parallel", help_text="MoE models only")
    zero_stage = forms.TypedChoiceField(choices=[(0, "0 (none)"), (1, "1"), (2, "2"), (3, "3")],
                                        coerce=int, initial=0, label="ZeRO / FSDP stage")


class CheckpointForm(StepForm):
    title = "Checkpoint policy"
    intro = ("How much training time checkpoints may cost, and how fast a restart must be. "
             "Empty fields take the rules' sourced defaults.")
    paths = {"mode": "checkpoint.mode", "stall_budget_fraction": "checkpoint.stall_budget_fraction",
             "recovery_s": "checkpoint.recovery_s", "retained": "checkpoint.retained",
             "interval_s": "checkpoint.interval_s",
             "failures_per_1000_node_days": "checkpoint.failures_per_1000_node_days"}
    percent_fields = {"stall_budget_percent": "stall_budget_fraction"}
    mode = forms.ChoiceField(choices=[("sync", "synchronous (training waits)"),
                                      ("async", "asynchronous (persist before the next one)")])
    stall_budget_percent = forms.FloatField(label="Stall budget (%)", min_value=0.01, max_value=50, initial=5,
                                            help_text="share of training time checkpoint writes may stall")
    recovery_s = QuantityField("duration", "min", required=False, label="Recovery time",
                               help_text="restart + restore after a failure, e.g. 10 min")
    retained = positive_int("Checkpoints kept", max_value=10_000, help_text="retention on the shared tier")
    interval_s = QuantityField("duration", "min", required=False, label="Fixed interval",
                               help_text="empty: Young/Daly optimum from the failure rate")
    failures_per_1000_node_days = forms.FloatField(
        label="Failures per 1000 node-days", required=False, min_value=0.0001,
        help_text="empty: the rate Meta observed training Llama 3")


class TrainingDataForm(StepForm):
    title = "Training data"
    intro = "The dataset the job reads (optional for LLM training: leave empty for the defaults)."
    paths = {"total_bytes": "data.total_bytes", "format": "data.format", "tokens_per_s": "data.tokens_per_s"}
    total_bytes = QuantityField("bytes", "TB", required=False, label="Dataset size")
    tokens_per_s = CountField(required=False, label="Training throughput (tokens/s)",
                              help_text="empty: from the GPUs' FLOPS at 40 % MFU")
    format = forms.ChoiceField(required=False, choices=[("", "—"), ("tokens", "pre-tokenized shards"),
                                                        ("jsonl", "JSONL"), ("parquet", "Parquet")])


class CvForm(StepForm):
    title = "Training workload"
    intro = "An MLPerf Storage workload preset, or your own sample size, batch and step time."
    paths = {"preset": "model.preset", "sample_bytes": "data.sample_bytes", "batch_size": "data.batch_size",
             "step_time_s": "data.step_time_s", "total_bytes": "data.total_bytes",
             "utilisation": "data.utilisation_target"}
    percent_fields = {"utilisation_percent": "utilisation"}
    preset = forms.ChoiceField(choices=preset_choices("workloads", "custom — enter the figures below"),
                               required=False, initial="unet3d")
    sample_bytes = QuantityField("bytes", "MB", required=False, label="Sample size")
    batch_size = positive_int("Batch size per accelerator", max_value=10**8)
    step_time_s = QuantityField("duration", "s", required=False, label="Compute time per step",
                                help_text="e.g. 0.323 s; a bare number is in s")
    total_bytes = QuantityField("bytes", "TB", required=False, label="Dataset size")
    utilisation_percent = forms.FloatField(label="Accelerator utilisation target (%)", required=False,
                                           min_value=1, max_value=100, help_text="MLPerf requires 90 %")

    def clean(self):
        data = super().clean()
        if not data.get("preset"):
            for name in ("sample_bytes", "batch_size", "step_time_s"):
                if not data.get(name):
                    self.add_error(name, "needed without a preset")
        return data


class InferenceForm(StepForm):
    title = "Serving"
    intro = "Context and concurrency size the KV cache; the weights set the cold-start load."
    paths = {"context_tokens": "inference.context_tokens",
             "concurrent_sequences": "inference.concurrent_sequences", "kv_dtype": "inference.kv_dtype",
             "weight_dtype": "inference.weight_dtype", "tensor_parallel": "inference.tensor_parallel",
             "replicas": "inference.replicas", "cold_start_target_s": "inference.cold_start_target_s"}
    context_tokens = CountField(label="Context (tokens)", help_text="e.g. 128k or 131072", maximum=10_000_000)
    concurrent_sequences = positive_int("Concurrent sequences", required=True, max_value=10_000_000)
    kv_dtype = forms.ChoiceField(choices=[(d, d) for d in KV_DTYPES], label="KV cache dtype", initial="bf16")
    weight_dtype = forms.ChoiceField(choices=[(d, d) for d in WEIGHT_DTYPES], label="Weights dtype",
                                     initial="bf16")
    tensor_parallel = positive_int("Tensor parallel (GPUs per replica)", max_value=4096,
                                   help_text="empty: the parallel layout's TP, else 1")
    replicas = positive_int("Model replicas", help_text="empty: GPUs ÷ tensor parallel")
    cold_start_target_s = QuantityField("duration", "s", required=False, label="Cold start within",
                                        help_text="target time to load the weights, e.g. 60 s")


class RagForm(StepForm):
    title = "Vector index"
    intro = "Index bytes come from vectors × dimensions × encoding; IOPS from queries per second."
    paths = {"vectors": "rag.vectors", "dimensions": "rag.dimensions", "encoding": "rag.encoding",
             "index": "rag.index", "qps": "rag.qps", "top_k": "rag.top_k", "corpus_bytes": "rag.corpus_bytes",
             "replicas": "rag.replicas"}
    vectors = CountField(label="Vectors", help_text="e.g. 1B")
    dimensions = positive_int("Dimensions", required=True)
    encoding = forms.ChoiceField(choices=[("float32", "float32"), ("float16", "float16"), ("int8", "int8"),
                                          ("binary", "binary")])
    index = forms.ChoiceField(choices=[("hnsw", "HNSW (in memory)"), ("ivf_pq", "IVF-PQ"),
                                       ("diskann", "DiskANN (on SSD)"), ("flat", "flat (exact search)")])
    qps = forms.FloatField(label="Queries per second", min_value=0)
    top_k = positive_int("Results per query (top-k)", help_text="empty: the rules' default")
    corpus_bytes = QuantityField("bytes", "TB", required=False, label="Source corpus size")
    replicas = positive_int("Index replicas", help_text="empty: 1")


class VideoForm(StepForm):
    title = "Video streams"
    intro = "Streams × bitrate set the read rate; retention sets the capacity; detections set the small writes."
    paths = {"streams": "video.streams", "bitrate": "video.bitrate_bits_per_s", "fps": "video.fps",
             "retention_days": "video.retention_days", "objects_per_frame": "video.objects_per_frame",
             "source": "video.source"}
    streams = positive_int("Streams", required=True)
    bitrate_mbit = forms.FloatField(label="Bitrate per stream (Mbit/s)", min_value=0.001, required=False,
                                    help_text="e.g. 4 for 1080p H.264; empty: the rules' default")
    fps = forms.FloatField(label="Frames per second", min_value=0.1, required=False)
    retention_days = forms.FloatField(label="Retention (days)", min_value=0, required=False)
    objects_per_frame = forms.FloatField(label="Detections per frame", min_value=0, required=False,
                                         help_text="each becomes a small result write (VDMS-style)")
    source = forms.ChoiceField(choices=[("live", "live streams"), ("recorded", "recorded files")])

    def clean(self):
        data = super().clean()
        if data.get("bitrate_mbit") is not None:
            data["bitrate"] = data["bitrate_mbit"] * 10**6  # bits per second, decimal mega
        return data

    def field_for_path(self, path):
        field = super().field_for_path(path)
        return "bitrate_mbit" if field == "bitrate" else field


class TabularForm(StepForm):
    title = "Tables"
    intro = "CSV costs far more CPU to parse than Parquet; the scan target sets the read rate."
    paths = {"format": "tabular.format", "dataset_bytes": "tabular.dataset_bytes",
             "scan_target_s": "tabular.scan_target_s", "cores": "tabular.cores",
             "scans_per_day": "tabular.scans_per_day"}
    format = forms.ChoiceField(choices=[("parquet", "Parquet"), ("csv", "CSV")])
    dataset_bytes = QuantityField("bytes", "GB", label="Data size")
    scan_target_s = QuantityField("duration", "min", label="Full scan within", help_text="e.g. 10 min")
    cores = positive_int("CPU cores", help_text="empty: the rules' estimate")
    scans_per_day = forms.FloatField(label="Scans per day", min_value=0.001, required=False)


class IngestForm(StepForm):
    title = "Ingest"
    intro = "Batch jobs land large sets on cheaper tiers; streams need steady, low-latency writes."
    paths = {"mode": "ingest.mode", "bytes_per_day": "ingest.bytes_per_day",
             "batch_window_s": "ingest.batch_window_s", "peak_to_average": "ingest.peak_to_average",
             "landing_days": "ingest.landing_days", "source": "ingest.source"}
    mode = forms.ChoiceField(choices=[("batch", "batch / static"), ("streaming", "streaming / real time")])
    bytes_per_day = QuantityField("bytes", "TB", required=False, label="Data arriving per day",
                                  help_text="e.g. 40 TB (or an ingest rate under Advanced)")
    batch_window_s = QuantityField("duration", "h", required=False, label="Batch window",
                                   help_text="time the daily batch must land in; empty: the whole day")
    peak_to_average = forms.FloatField(label="Peak ÷ average rate", min_value=1, required=False)
    landing_days = forms.FloatField(label="Days kept on the landing zone", min_value=0.01, required=False)
    source = forms.ChoiceField(choices=[("file", "file"), ("object", "object"), ("block", "block")])


    def clean(self):
        data = super().clean()
        if not data.get("bytes_per_day") and not data.get("adv_bytes_per_s") and not self.errors:
            self.add_error("bytes_per_day", "give the data arriving per day or an ingest rate")
        return data


class ReviewForm(StepForm):
    title = "Review"
    intro = "This is the use-case document the advisor will evaluate (the same JSON the API takes)."


# Which steps each workload family goes through, in order (basics and review always).
FAMILY_STEPS = {
    "llm_training": ["model", "training", "cluster", "parallelism", "checkpoint", "data"],
    "cv_training": ["cv", "cluster"],
    "llm_inference": ["model", "inference", "cluster"],
    "rag": ["rag", "cluster"],
    "video_analytics": ["video", "cluster"],
    "tabular_ml": ["tabular", "cluster"],
    "data_ingest": ["ingest", "cluster"],
}
STEPS = [("basics", BasicsForm), ("model", ModelForm), ("training", TrainingForm), ("cv", CvForm),
         ("inference", InferenceForm), ("rag", RagForm), ("video", VideoForm), ("tabular", TabularForm),
         ("ingest", IngestForm), ("cluster", ClusterForm), ("parallelism", ParallelismForm),
         ("checkpoint", CheckpointForm), ("data", TrainingDataForm), ("review", ReviewForm)]


for _name, _form in STEPS:
    _form.step = _name


def steps_for(workloads):
    """The wizard steps for a (combined) use case, in wizard order."""
    wanted = {"basics", "review"} | {step for w in workloads for step in FAMILY_STEPS.get(w, [])}
    return [name for name, _ in STEPS if name in wanted]


def build_document(forms_by_step):
    """The use-case document from validated step forms (in step order)."""
    document = {}
    for form in forms_by_step.values():
        form.contribute(document)
    return document


# --- a stored document back into step data (edit a use case) -----------------------------------

def get_path(document, path):
    node = document
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def display(field, value):
    """A document value as the text a person would type into `field`."""
    if hasattr(field, "display"):
        return field.display(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def step_values(form_class, document):
    """{field: text} for one step from a use-case document (the inverse of contribute)."""
    form = form_class()
    shown_as = {fraction: percent for percent, fraction in form.percent_fields.items()}
    values = {}
    for name, path in form.paths.items():
        value = get_path(document, path)
        if value is None or isinstance(value, (dict, list)):
            continue
        if name in shown_as:
            values[shown_as[name]] = f"{value * 100:.12g}"
        elif name in form.advanced and form.advanced[name].kind == "percent":
            values[name] = f"{value * 100:.12g}"
        elif name == "bitrate":
            values["bitrate_mbit"] = f"{value / 10**6:.12g}"
        elif name in form.fields:
            values[name] = display(form.fields[name], value)
    for name, field in form.fields.items():  # what the browser would submit for an untouched field
        if name in values or not field.required:
            continue
        if field.initial is not None:
            values[name] = str(field.initial)
        elif isinstance(field, forms.ChoiceField):
            values[name] = str(field.choices[0][0])
    return values


def initial_steps(document):
    """{step: {field: text or [texts]}} for every step the document's workloads go through."""
    workloads = document.get("workload")
    workloads = [workloads] if isinstance(workloads, str) else list(workloads or [])
    classes = dict(STEPS)
    steps = {step: step_values(classes[step], document) for step in steps_for(workloads) if step != "review"}
    steps["basics"].update({"workload": workloads[0] if workloads else "", "also": workloads[1:]})
    return steps
