"""ragarchive: grounded, multilingual question answering over noisy OCR'd newspaper archives."""

__version__ = "0.1.0"
