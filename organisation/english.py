"""What the English page (/en/) says of a ward in English."""

import re
import unicodedata

_WARD_WORD = re.compile(r"\A(phường|phuong)\s+", re.IGNORECASE)


def unaccented(text: str) -> str:
    """Vietnamese written without its marks, letter case kept: "Phúc Lợi"
    -> "Phuc Loi" (as the ward's name appears on English signs)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def ward_name(ward) -> str:
    """The ward's English name: the one staff gave it, else its own name
    without marks: "Phường Phúc Lợi" -> "Phuc Loi Ward", "Phường 5" ->
    "Ward 5"."""
    if ward.name_en:
        return ward.name_en
    name = unaccented(_WARD_WORD.sub("", ward.name)).strip()
    if not name:
        return "The ward"
    return f"Ward {name}" if name.isdigit() else f"{name} Ward"
