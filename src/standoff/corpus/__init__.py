"""The corpus: documents that scenario evidence quotes, and reading them."""

from standoff.corpus.documents import Corpus, Document, load_corpus, normalise_text

__all__ = ["Corpus", "Document", "load_corpus", "normalise_text"]
