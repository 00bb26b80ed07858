"""ragarchive.text is imported by every stage and by the CLI: nothing heavy at module level."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_text_rules_loads_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "import ragarchive.text, ragarchive.text.languages, ragarchive.text.tokens, "
        "ragarchive.text.characters, ragarchive.text.langid, ragarchive.text.sentences\n"
        "heavy = {'langdetect', 'wordfreq', 'numpy', 'rapidfuzz', 'torch', 'chromadb', 'gradio'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
