"""RAG rules: corpus and embedding capacity, vector-index bytes by encoding and index type, IOPS from QPS."""
import math

from experta import Rule

from . import fields_serving as fields
from . import formulas_serving as fs
from .kb import Workload

KIND = "rag"
SECTION = "rag"
INDEX_SOURCES = {
    "flat": ["faiss-indexes: IndexFlat 4d bytes per vector", "qdrant-quantization: int8 4×, binary 32× smaller"],
    "hnsw": ["faiss-index-guidelines: HNSW<M> = (d × 4 + M × 2 × 4) B/vector",
             "hnswlib: layer 0 keeps maxM0 = 2M links"],
    "ivf_pq": ["faiss-indexes: IndexIVFPQ M + 8 B/vector, centroids nlist × d × 4",
               "pgvector-readme: lists = rows/1000 up to 1M rows, sqrt(rows) above"],
    "diskann": ["microsoft-diskann: nodes (vector + R ids) packed in 4 KiB sectors; PQ codes in RAM",
                "milvus-diskann: MaxDegree 56, PQCodeBudgetGBRatio 0.125, data on NVMe SSD",
                "diskann-2019: 1B points with 64 GB RAM + SSD"],
}
IOPS_SOURCES = ["microsoft-diskann: workflows/SSD_index.md, search_disk_index reports 'Mean IOs' per query",
                "diskann-2019: I/Os per query grow with the search list; 50 is a planning estimate (flagged)"]
CORPUS_SOURCES = ["langchain-defaults: similarity_search k = 4; RecursiveCharacterTextSplitter chunk_size 4,000"]
DEFAULT_TOP_K = 4                 # LangChain VectorStore.similarity_search(k=4)
DEFAULT_CHUNK_BYTES = 4000        # LangChain TextSplitter chunk_size=4000 characters (≈1 B/char)
DEFAULT_HNSW_M = 16               # nmslib/hnswlib README: M default 16
DISKANN_IOS_PER_QUERY_ESTIMATE = 50  # planning estimate, flagged as such in the finding — measure "Mean IOs"
# DiskANN serves SIFT1B at > 5,000 QPS with < 3 ms mean query latency at ≥ 95 % 1-recall@1 on one
# 64 GB node (diskann-2019, abstract): the query latency target an SSD-resident index is built for.
DISKANN_QUERY_LATENCY_S = 0.003
# search_disk_index issues up to W sector reads per round trip; W defaults to 2 (--beamwidth).
DISKANN_BEAMWIDTH = 2
LATENCY_SOURCES = ["diskann-2019: > 5,000 QPS at < 3 ms mean latency, ≥ 95 % 1-recall@1 (SIFT1B, 64 GB RAM + SSD)",
                   "microsoft-diskann: apps/search_disk_index.cpp --beamwidth W, default 2"]
FIELDS = ("vectors", "dimensions", "encoding", "index", "hnsw_m", "pq_bytes", "ivf_nlist",
          "diskann_max_degree", "qps", "ios_per_query", "top_k", "chunk_bytes", "corpus_bytes",
          "replicas")


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'rag' section; errors use dotted paths."""
    section = fields.as_section(section, errors, SECTION)
    fields.unknown_keys(section, FIELDS, errors, SECTION)
    num = lambda name, **kw: fields.number(section, name, errors, SECTION, **kw)  # noqa: E731
    out = {
        "dimensions": num("dimensions", default=None, integer=True, maximum=65_536),
        "encoding": fields.choice(section, "encoding", errors, SECTION, fs.RAG_ENCODINGS, "float32"),
        "index": fields.choice(section, "index", errors, SECTION, fs.RAG_INDEXES, "hnsw"),
        "hnsw_m": num("hnsw_m", default=DEFAULT_HNSW_M, integer=True, maximum=512),
        "diskann_max_degree": num("diskann_max_degree", default=fs.DISKANN_MAX_DEGREE, integer=True,
                                  maximum=1024),
        "qps": num("qps", default=0, minimum=0, exclusive_minimum=False, maximum=1e9),
        "top_k": num("top_k", default=DEFAULT_TOP_K, integer=True, maximum=10_000),
        "chunk_bytes": num("chunk_bytes", default=DEFAULT_CHUNK_BYTES, integer=True, maximum=1e9),
        # 1 EB of source documents is far beyond any corpus: larger is a unit mistake.
        "corpus_bytes": num("corpus_bytes", default=None, integer=True, maximum=1e18),
        "replicas": num("replicas", default=1, integer=True, maximum=10_000),
        "ios_per_query": num("ios_per_query", default=None, minimum=0, exclusive_minimum=False,
                             maximum=1e6),
    }
    out["vectors"] = _vectors(section, errors, out)
    out.update(_index_params(section, errors, out))
    if KIND in _workloads(use_case):
        _require(out, errors)
    return out


def _vectors(section, errors, out):
    """Given count, else one embedding per corpus chunk: ceil(corpus_bytes / chunk_bytes)."""
    vectors = fields.number(section, "vectors", errors, SECTION, default=None, integer=True,
                            maximum=1e13)
    if vectors is None and out["corpus_bytes"] and out["chunk_bytes"]:
        return math.ceil(out["corpus_bytes"] / out["chunk_bytes"])
    return vectors


def _index_params(section, errors, out):
    """PQ bytes (default d/16: Qdrant's 64× PQ cap on float32) and IVF lists (pgvector rule)."""
    d, n = out["dimensions"], out["vectors"]
    pq = fields.number(section, "pq_bytes", errors, SECTION, integer=True, maximum=65_536,
                       default=max(1, math.ceil(d / 16)) if d else None)
    if pq and d and out["index"] == "ivf_pq" and pq > 4 * d:
        errors.add(f"{SECTION}.pq_bytes", "must not exceed the float32 vector size (4 × dimensions)")
    nlist = fields.number(section, "ivf_nlist", errors, SECTION, integer=True, maximum=1e9,
                          default=fs.ivf_default_nlist(n) if n else None)
    return {"pq_bytes": pq, "ivf_nlist": nlist}


def _require(out, errors):
    if out["dimensions"] is None and not errors.has(f"{SECTION}.dimensions"):
        errors.add(f"{SECTION}.dimensions", "is required for rag")
    if out["vectors"] is None and not errors.has(f"{SECTION}.vectors"):
        errors.add(f"{SECTION}.vectors", "is required for rag (or give corpus_bytes)")


def _workloads(use_case):
    workloads = use_case.get("workloads") or use_case.get("workload") or []
    return [workloads] if isinstance(workloads, str) else list(workloads)


def index_bytes(rag):
    """Bytes of the index by type: memory for flat/HNSW/IVF-PQ, SSD (plus PQ RAM) for DiskANN."""
    n, d, enc = rag["vectors"], rag["dimensions"], rag["encoding"]
    kind = rag["index"]
    if kind == "flat":
        return {"memory_bytes": fs.raw_vector_bytes(n, d, enc), "ssd_bytes": 0}
    if kind == "hnsw":
        return {"memory_bytes": fs.hnsw_index_bytes(n, d, enc, rag["hnsw_m"]), "ssd_bytes": 0}
    if kind == "ivf_pq":
        return {"memory_bytes": fs.ivf_pq_index_bytes(n, d, rag["pq_bytes"], rag["ivf_nlist"]),
                "ssd_bytes": 0}
    return {"memory_bytes": fs.diskann_ram_bytes(n, d),
            "ssd_bytes": fs.diskann_ssd_bytes(n, d, enc, rag["diskann_max_degree"])}


class RagRules:
    """experta rule mixin for the RAG family."""

    def _rag(self):
        return self.use_case.get(SECTION) or {}

    @Rule(Workload(kind=KIND))
    def rag_index_bytes_by_encoding_and_type(self):
        """The index size follows from vectors × bytes per encoded vector plus the index type's own structure."""
        rag = self._rag()
        sizes = index_bytes(rag)
        raw = fs.raw_vector_bytes(rag["vectors"], rag["dimensions"], rag["encoding"])
        replicas = rag.get("replicas", 1)
        self.need("rag_index", index=rag["index"], encoding=rag["encoding"], raw_vector_bytes=raw,
                  memory_bytes=sizes["memory_bytes"] * replicas,
                  capacity_bytes=(sizes["ssd_bytes"] or sizes["memory_bytes"]) * replicas)
        self.finding("rag_index_bytes_by_encoding_and_type",
                     {k: rag[k] for k in ("vectors", "dimensions", "encoding", "index", "hnsw_m",
                                          "pq_bytes", "ivf_nlist", "diskann_max_degree")},
                     {"raw_vector_bytes": raw, **sizes}, _index_formula(rag["index"]),
                     INDEX_SOURCES[rag["index"]])
        self._place_index(rag, sizes)

    def _place_index(self, rag, sizes):
        sources = INDEX_SOURCES[rag["index"]]
        self.place("rag_index", "host_memory", "The search structure (graph, lists or PQ codes) is "
                   "held in RAM on each serving node (figure per node).", sources,
                   capacity_bytes=sizes["memory_bytes"])
        if rag["index"] != "diskann":
            self.place("rag_index", "shared_fast", "Index segments are persisted and reloaded from "
                       "shared flash on restart.", sources, capacity_bytes=sizes["memory_bytes"])

    @Rule(Workload(kind=KIND))
    def rag_iops_from_qps(self):
        """Each query costs index reads (DiskANN beam reads) and top-k chunk fetches from the corpus store."""
        rag = self._rag()
        ios = rag.get("ios_per_query")
        estimated = ios is None and rag["index"] == "diskann"
        if ios is None:
            ios = DISKANN_IOS_PER_QUERY_ESTIMATE if rag["index"] == "diskann" else 0
        index_iops = fs.rag_iops(rag["qps"], ios)
        chunk_iops = fs.rag_iops(rag["qps"], rag["top_k"])
        index_read = index_iops * fs.DISKANN_SECTOR_BYTES
        self.need("rag_index", iops=index_iops, read_bytes_per_s=index_read, qps=rag["qps"])
        self.finding("rag_iops_from_qps",
                     {"qps": rag["qps"], "index": rag["index"], "ios_per_query": ios,
                      "ios_per_query_is_estimate": estimated, "top_k": rag["top_k"]},
                     {"iops": index_iops, "read_bytes_per_s": index_read, "chunk_iops": chunk_iops},
                     "index IOPS = QPS × I/Os per query (4 KiB sectors); chunk reads = QPS × top-k",
                     IOPS_SOURCES + CORPUS_SOURCES[:1])
        if rag["index"] == "diskann":
            nodes = self.use_case.get("nodes") or 1
            self.place("rag_index", "gpu_local_nvme", "DiskANN reads 4 KiB graph sectors per hop: "
                       "local NVMe gives the random-read IOPS (Milvus: data path on NVMe SSD); a "
                       "copy per serving node, queries spread over the nodes.",
                       INDEX_SOURCES["diskann"] + IOPS_SOURCES,
                       capacity_bytes=index_bytes(rag)["ssd_bytes"],
                       read_bytes_per_s=index_read / nodes, iops=index_iops / nodes)

    @Rule(Workload(kind=KIND))
    def rag_index_read_latency_from_query_latency(self):
        """A DiskANN query makes ceil(I/Os ÷ W) dependent round trips to the SSD; each has its share
        of the query latency target. Without a sourced I/O count per query this stays a named gap."""
        rag = self._rag()
        if rag["index"] != "diskann" or not rag["qps"]:
            return
        ios = rag.get("ios_per_query")
        inputs = {"query_latency_s": DISKANN_QUERY_LATENCY_S, "ios_per_query": ios if ios else "unknown",
                  "beamwidth": DISKANN_BEAMWIDTH}
        formula = ("index read latency = query latency ÷ ceil(I/Os per query ÷ beamwidth); validation "
                   "checks the p99 of reads at the required rate against it (stricter than the mean target)")
        if not ios:
            self.finding("rag_index_read_latency_from_query_latency", inputs,
                         {"index_read_latency_s": "unknown",
                          "gap": "I/Os per query unknown: give rag.ios_per_query (DiskANN search_disk_index "
                                 "reports 'Mean IOs')"}, formula, LATENCY_SOURCES + IOPS_SOURCES[:1])
            return
        latency = index_read_latency_s(DISKANN_QUERY_LATENCY_S, ios, DISKANN_BEAMWIDTH)
        self.need("rag_index", latency_s=latency)
        self.finding("rag_index_read_latency_from_query_latency", inputs,
                     {"index_read_latency_s": latency, "round_trips": math.ceil(ios / DISKANN_BEAMWIDTH)},
                     formula, LATENCY_SOURCES)

    @Rule(Workload(kind=KIND))
    def rag_corpus_and_embedding_capacity(self):
        """Source documents and their float32 embeddings are the knowledge base of record, kept on object storage."""
        rag = self._rag()
        corpus = rag.get("corpus_bytes") or rag["vectors"] * rag["chunk_bytes"]
        embeddings = fs.raw_vector_bytes(rag["vectors"], rag["dimensions"], "float32")
        chunk_iops = fs.rag_iops(rag["qps"], rag["top_k"])
        read = chunk_iops * rag["chunk_bytes"]
        self.need("rag_index", corpus_bytes=corpus, embedding_bytes=embeddings)
        self.finding("rag_corpus_and_embedding_capacity",
                     {"vectors": rag["vectors"], "chunk_bytes": rag["chunk_bytes"],
                      "corpus_bytes_given": bool(rag.get("corpus_bytes"))},
                     {"corpus_bytes": corpus, "embedding_bytes": embeddings,
                      "read_bytes_per_s": read},
                     "corpus (given, else vectors × chunk bytes) + vectors × dimensions × 4 B",
                     CORPUS_SOURCES)
        self.place("rag_index", "object", "The corpus and float32 embeddings are the knowledge base "
                   "of record; top-k chunks are fetched per query.", CORPUS_SOURCES,
                   capacity_bytes=corpus + embeddings, read_bytes_per_s=read, iops=chunk_iops)


def index_read_latency_s(query_latency_s, ios_per_query, beamwidth):
    """Per-read latency budget: the query's latency over its dependent round trips to the SSD."""
    return query_latency_s / max(1, math.ceil(ios_per_query / beamwidth))


def _index_formula(kind):
    return {
        "flat": "vectors × bytes per encoded vector",
        "hnsw": "vectors × (bytes per encoded vector + M × 2 × 4 link bytes)",
        "ivf_pq": "vectors × (PQ bytes + 8-byte id) + nlist × dimensions × 4",
        "diskann": "SSD: vectors packed into 4 KiB sectors of (vector + 4 + 4R) bytes; "
                   "RAM: float32 bytes × 0.125 PQ budget",
    }[kind]
