"""Retrieval: product texts, the on-disk embedding cache, the versioned catalogue index and its search."""
