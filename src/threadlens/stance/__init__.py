"""Stance: trained classifiers of what a post argues, thread-aware labelling, schemes and safe persistence."""

from .schemes import Scheme, builtin_schemes, load_scheme

__all__ = ["Scheme", "load_scheme", "builtin_schemes"]
