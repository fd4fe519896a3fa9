"""Fast ONNX sentence encoder vs the sentence-transformers reference, cache and safety checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from threadlens.embeddings import EncoderError, SentenceEncoder, load_encoder, prepare_encoder
from threadlens.embeddings import _cache, _model_files

_LONG = (
    "I've been running Postgres in production for about twelve years now, across three companies, "
    "and the thing that bit us every single time was not performance but operations: vacuum tuning, "
    "replication lag during big migrations, and connection storms after a deploy. "
)
TEXTS: list[str] = [
    "I completely agree with this.",
    "No. Just no.",
    "This is wrong, and the linked paper says the opposite of what the headline claims.",
    "Have you ever tried writing a native client? Most developers don't even consider it these days.",
    "> No one is quite sure why.\n\nOn the contrary, quite a lot of people know precisely why.",
    "The SEC.\n\nOh, who am I kidding. Nobody, obviously.",
    "Bingo. I've bounced around note systems and realized I was just wasting time. Now I use Apple's Notes.app.",
    "PRC went from capturing $8 in final assembly on iPhone 3 to ~$100 / ~25% of BOM cost of iPhone X.",
    "Citation needed.",
    "lol",
    "+1",
    "Thanks, this was really helpful!",
    "I'm not convinced. Correlation isn't causation, and the sample is tiny (n=23).",
    "Rust's borrow checker is annoying at first, then it becomes second nature.",
    "Honestly the worst UX I've seen in years. Who signed off on this?",
    "It depends. For a 3-person team, a monolith on one VM is fine; for 300 engineers, maybe not.",
    "Sure, but you're ignoring the cost of the migration itself.",
    "Can confirm, same thing happened to us after the 2.0 upgrade.",
    "What about accessibility? Screen readers choke on half of these custom widgets.",
    "The real problem is incentives: nobody gets promoted for maintenance.",
    "Ça dépend du contexte — en Europe la réglementation est très différente.",
    "東京の家賃は高すぎる。でも給料は上がっていない。",
    "Москва не сразу строилась, but this project has been 'almost done' for six years.",
    "Der Artikel ist gut, aber die Überschrift ist irreführend.",
    "¿Alguien ha probado esto en producción?",
    "이건 정말 좋은 아이디어네요!",
    "مرحبا، هذا مثير للاهتمام",
    "This is 🔥🔥🔥 — shipping it tomorrow 🚀",
    "ﬁnancial naïveté, café, résumé, Ångström, straße",
    "x" * 300,
    "https://example.com/a/very/long/path?with=query&and=params#fragment",
    "def f(x):\n    return x ** 2  # why not numpy?",
    "SELECT * FROM users WHERE id = 1; -- classic",
    "   leading and trailing whitespace   ",
    "\t\n",
    "",
    "",
    "a",
    "?",
    "I disagree. " * 5,
    "Well, actually, I think both sides have a point, but the framing here is unhelpful.",
    "The benchmark is flawed: they measured cold starts for one tool and warm for the other.",
    "Tabs vs spaces again? Really?",
    "My experience is the exact opposite; the new version is much faster for us.",
    _LONG * 6,  # > 256 tokens: truncated
    (_LONG + "And yet I would still pick it again. ") * 8,
    "word " * 600,
    " ".join(f"token{i}" for i in range(400)),
    "Short one after long ones.",
    "Last: strongly agree with the parent comment.",
]

BUNDLED = _model_files.bundled_dir()


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tl-cache")
    os.environ["THREADLENS_CACHE_DIR"] = str(d)  # session-wide: every test uses this cache
    return d


@pytest.fixture(scope="session")
def reference() -> np.ndarray:
    st = load_encoder(backend="sentence-transformers")
    assert st.backend == "sentence-transformers"
    return st.encode(TEXTS)


@pytest.fixture(scope="session")
def fp32(cache_dir: Path) -> SentenceEncoder:
    return load_encoder(backend="onnx")


@pytest.fixture(scope="session")
def int8(cache_dir: Path) -> SentenceEncoder:
    return load_encoder(backend="onnx-int8")


def test_texts_cover_truncation(fp32: SentenceEncoder) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(BUNDLED / "tokenizer.json"))
    tok.no_truncation()
    assert sum(len(tok.encode(t).ids) > 256 for t in TEXTS) >= 3


def test_fp32_matches_sentence_transformers(fp32: SentenceEncoder, reference: np.ndarray) -> None:
    emb = fp32.encode(TEXTS)
    assert emb.shape == (len(TEXTS), 384) and emb.dtype == np.float32
    assert (fp32.name, fp32.backend, fp32.dim) == ("all-MiniLM-L6-v2", "onnx", 384)
    assert _cos(emb, reference).min() >= 0.9999


def test_int8_close_to_sentence_transformers(int8: SentenceEncoder, reference: np.ndarray) -> None:
    # Plain per-channel int8: on 1,000 HN comments cos mean 0.992 / min 0.95; on these
    # short, odd texts 0.987 / 0.96.  quantize_dynamic's defaults give 0.955 / 0.83 and
    # reduce_range 0.856 / 0.50, so these bounds catch a broken recipe with CPU slack.
    c = _cos(int8.encode(TEXTS), reference)
    assert int8.backend == "onnx-int8"
    assert c.mean() >= 0.98 and c.min() >= 0.94, (c.mean(), c.min())


def test_calibrated_int8_is_closer(int8: SentenceEncoder, reference: np.ndarray) -> None:
    # Smoothing with in-domain calibration texts: 0.997 / 0.98 on held-out HN comments.
    calibrated = load_encoder(backend="onnx-int8", calibration=TEXTS[::2])
    c = _cos(calibrated.encode(TEXTS), reference)
    plain = _cos(int8.encode(TEXTS), reference)
    assert c.mean() >= 0.993 and c.min() >= 0.975, (c.mean(), c.min())
    assert c.mean() > plain.mean()
    with pytest.raises(EncoderError, match="onnx-int8"):
        load_encoder(backend="onnx", calibration=TEXTS)


def test_rows_are_unit_norm_and_order_preserved(fp32: SentenceEncoder) -> None:
    emb = fp32.encode(TEXTS, batch_size=7)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    perm = np.random.default_rng(0).permutation(len(TEXTS))
    shuffled = fp32.encode([TEXTS[i] for i in perm], batch_size=7)
    assert _cos(shuffled, emb[perm]).min() >= 0.99999
    one_by_one = np.vstack([fp32.encode([t]) for t in TEXTS[:10]])
    assert _cos(one_by_one, emb[:10]).min() >= 0.99999


def test_empty_inputs(fp32: SentenceEncoder, reference: np.ndarray) -> None:
    assert fp32.encode([]).shape == (0, 384)
    i = TEXTS.index("")
    assert float(fp32.encode([""])[0] @ reference[i]) >= 0.9999


def test_bad_inputs_rejected(fp32: SentenceEncoder) -> None:
    with pytest.raises(EncoderError, match="list"):
        fp32.encode("a single string")  # type: ignore[arg-type]
    with pytest.raises(EncoderError, match="texts\\[1\\]"):
        fp32.encode(["ok", None])  # type: ignore[list-item]
    with pytest.raises(EncoderError, match="backend"):
        load_encoder(backend="gpu")


def test_cache_is_deterministic_and_corruption_is_rebuilt(fp32: SentenceEncoder, cache_dir: Path) -> None:
    path = prepare_encoder(backend="onnx")
    assert path.parent == cache_dir / "embeddings" and _cache.is_valid(path)
    original = path.read_bytes()
    with open(path, "r+b") as f:  # flip one byte in the middle of the weights
        f.seek(len(original) // 2)
        byte = f.read(1)
        f.seek(len(original) // 2)
        f.write(bytes([byte[0] ^ 0xFF]))
    assert not _cache.is_valid(path)
    again = prepare_encoder(backend="onnx")
    assert again == path and _cache.is_valid(path)
    assert path.read_bytes() == original  # rebuilt byte for byte

    path.with_name(path.name + ".sha256").unlink()  # a missing sidecar is not trusted either
    assert prepare_encoder(backend="onnx") == path and _cache.is_valid(path)


def test_bundled_sha_mismatch_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "model"
    shutil.copytree(BUNDLED, copy)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0x01
    weights.write_bytes(bytes(data))
    monkeypatch.setattr(_model_files, "bundled_dir", lambda: copy)
    for backend in ("auto", "onnx-int8", "sentence-transformers"):
        with pytest.raises(EncoderError, match="sha256"):
            load_encoder("sentence-transformers/all-MiniLM-L6-v2", backend=backend)


def test_local_bert_dir_uses_onnx(tmp_path: Path, fp32: SentenceEncoder) -> None:
    local = tmp_path / "my-minilm"
    shutil.copytree(BUNDLED, local, copy_function=os.symlink)
    enc = load_encoder(str(local))
    assert (enc.backend, enc.name, enc.dim) == ("onnx", "my-minilm", 384)
    assert _cos(enc.encode(TEXTS[:5]), fp32.encode(TEXTS[:5])).min() >= 0.99999


def test_non_bert_dir_refused_by_onnx_backend(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"model_type": "xlm-roberta"}')
    with pytest.raises(EncoderError, match="sentence-transformers"):
        load_encoder(str(tmp_path), backend="onnx")


def _run(code: str, **env: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_fast_path_never_imports_torch(fp32: SentenceEncoder, int8: SentenceEncoder) -> None:
    out = _run(
        """
        import sys
        from threadlens.embeddings import load_encoder
        for backend in ("auto", "onnx-int8"):
            enc = load_encoder(backend=backend)
            enc.encode(["hello", "world"])
            print(enc.backend)
        print(sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules))
        """
    )
    assert out.split() == ["onnx", "onnx-int8", "[]"]


def test_hub_name_offline_gives_clear_error() -> None:
    out = _run(
        """
        from threadlens.embeddings import EncoderError, load_encoder
        try:
            load_encoder("someone/not-a-cached-model")
        except EncoderError as e:
            print(e)
        """,
        HF_HUB_OFFLINE="1",
    )
    assert "not-a-cached-model" in out and "local model directory" in out


def test_fused_contrib_graph_matches_plain(fp32: SentenceEncoder) -> None:
    # The com.microsoft-fused flavour is not the default (no measurable gain here) but must stay exact.
    import onnxruntime as ort
    from safetensors.numpy import load_file

    from threadlens.embeddings._bert_graph import BertSpec, build_bert_onnx
    from threadlens.embeddings._tokenize import Batcher

    files = _model_files.inspect(BUNDLED, "x")
    model = build_bert_onnx(load_file(str(files.weights)), BertSpec.from_config(files.config), fused=True)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    sample = TEXTS[40:50]
    out = np.empty((len(sample), 384), np.float32)
    for rows, feeds in Batcher(files.tokenizer, 256).batches(sample, 4):
        out[rows] = sess.run(None, feeds)[0]
    assert _cos(out, fp32.encode(sample)).min() >= 0.99999
