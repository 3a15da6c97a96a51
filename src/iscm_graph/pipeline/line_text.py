"""How a value of a source graph is looked for in the text of its document.

The texts were extracted from PDFs (sources/README.md), so the comparison forgives what the
extraction changed and nothing else:

- diacritics (tashkeel, U+064B-U+0652, U+0670) and tatweel (U+0640) are dropped;
- the alef forms أ إ آ are read as ا, ى as ي and ة as ه;
- Arabic-Indic digits are read as ASCII digits;
- punctuation and brackets are spaces, and runs of space are one;
- the brochure's systematic misreading 'مهجرة' is read as 'هجرة';
- a number up to ten may be written as a word, cardinal or ordinal (`NUMBER_WORDS`).

Arabic joins some particles to the next word (و، ب، ل، ال), so a value of four letters or more
may begin inside a word. A mended literal (a label whose broken word the data set right) is found when the line holds
nearly all of its words (`contains`, `similar`)."""
from __future__ import annotations

import re
from difflib import SequenceMatcher

_MARKS = re.compile(r"[\u064B-\u0652\u0670\u0640]")
_PUNCT = re.compile(r"[()\[\].,،؛:;\-–—«»\"'\\/*•|!?؟]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def norm(text: str) -> str:
    text = _MARKS.sub("", text).translate(_DIGITS)
    text = text.replace("مهجرة", "هجرة")
    text = re.sub(r"[أإآ]", "ا", text).replace("ى", "ي").replace("ة", "ه")
    text = _PUNCT.sub(" ", text)
    return " ".join(text.split()).lower()


def words(text: str) -> list[str]:
    return norm(text).split()


def similar(value: str, line: str, threshold: float = 0.85) -> bool:
    """Nearly all of the value's words are in the line (one mended or dropped word in four)."""
    wanted = words(value)
    if not wanted:
        return False
    have = set(words(line))
    found = sum(1 for w in wanted if w in have)
    if found / len(wanted) >= threshold:
        return True
    # a single broken word: compare the value with the closest window of the line
    target = norm(value)
    text = norm(line)
    if len(target) < 6 or len(text) < len(target) * 0.8:
        return False
    matcher = SequenceMatcher(None, text, target, autojunk=False)
    block = matcher.find_longest_match(0, len(text), 0, len(target))
    start = max(0, block.a - block.b)
    window = text[start:start + len(target) + 4]
    return SequenceMatcher(None, window, target, autojunk=False).ratio() >= threshold


def contains(line: str, value: str) -> bool:
    """The line holds the value: its normalised text, or (for a mended value) nearly all of it."""
    v = norm(value)
    if not v:
        return False
    text = f" {norm(line)} "
    if f" {v} " in text:
        return True
    # Arabic joins 'and', 'by', 'for', 'the' to the next word (وفيينا): a value of some length may
    # start inside a word
    if len(v) >= 4 and re.search(r"[\u0600-\u06FF]", v) and f"{v} " in text:
        return True
    return len(v.split()) >= 2 and similar(value, line, 0.9)


# Small numbers the documents write as words: cardinals (one, two) and ordinals (first ... tenth),
# in their normalised spelling (masculine and feminine).
NUMBER_WORDS = {
    "1": ("واحد", "واحده", "الاول", "الاولي", "اول"),
    "2": ("اثنان", "اثنين", "اثنتين", "اثنتان", "الثاني", "الثانيه", "ثاني"),
    "3": ("ثلاث", "ثلاثه", "الثالث", "الثالثه"),
    "4": ("اربع", "اربعه", "الرابع", "الرابعه"),
    "5": ("خمس", "خمسه", "الخامس", "الخامسه"),
    "6": ("ست", "سته", "السادس", "السادسه"),
    "7": ("سبع", "سبعه", "السابع", "السابعه"),
    "8": ("ثماني", "ثمانيه", "الثامن", "الثامنه"),
    "9": ("تسع", "تسعه", "التاسع", "التاسعه"),
    "10": ("عشر", "عشره", "العاشر", "العاشره"),
}


def has_number(line: str, number: str) -> bool:
    """The line holds the number in digits, or (up to ten) as a word (`NUMBER_WORDS`, which may
    carry a joined particle: 'والثانية')."""
    text = norm(line)
    if re.search(rf"(?<!\d){re.escape(number)}(?!\d)", text):
        return True
    forms = NUMBER_WORDS.get(number, ())
    return any(re.search(rf"(?:^|\s)(?:و|ب|ل|ف)?{w}(?=\s|$)", text) for w in forms)


__all__ = ["norm", "words", "similar", "contains", "has_number", "NUMBER_WORDS"]
