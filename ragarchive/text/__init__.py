"""Text rules shared by ingest, retrieval and answering: the supported languages
(``languages``), the word tokenisers and the archive vocabulary's (``tokens``), the character
map of cleaning and of the CER measure (``characters``), language identification (``langid``),
sentence splitting into reading units (``sentences``) and whether a metadata value is a file path
rather than a source's name (``names``).

Light on purpose: only the standard library at module level (langdetect is imported inside
``langid.detect_language``), so that importing any of them keeps ``ragarchive --help`` fast. Nothing
here imports another part of the package, so every stage may import it.
"""
