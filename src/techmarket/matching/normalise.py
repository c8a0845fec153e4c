"""Text normalisation before tokenising: one form for full-width, case and white space.

Listings are typed in by sellers and companies: full-width letters and digits (ＬＥＤ, ５Ｇ), mixed
case, stray spaces and line breaks. NFKC folds the full-width forms into ASCII; lower-casing makes
"LED" and "led" one term. Chinese punctuation is kept (the tokeniser drops it).
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """NFKC, lower-case, one space for any run of white space; None becomes ""."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", folded).strip()
