"""Sentence embeddings for threadlens: a fast offline ONNX path and the sentence-transformers reference."""

from .encoder import BACKENDS, EncoderError, SentenceEncoder, load_encoder, onnx_capable, prepare_encoder

__all__ = ["BACKENDS", "EncoderError", "SentenceEncoder", "load_encoder", "onnx_capable", "prepare_encoder"]
