"""Character-level normalization rules for Arabic (and Latin) words.

Each rule is a small pure function from one word to one word, in the spirit of
Lucene's ``ArabicNormalizer``. Rules work on a single token: the tokenizer has
already found the word's span in the original text, so offsets never depend on
what a rule deletes or folds.

The order of ``normalize`` matters and is written there.
"""

from __future__ import annotations

import unicodedata

from pyarabic import araby

# Combining marks: harakat (fathatan..sukun), maddah/hamza above and below,
# the other Arabic marks up to U+065F, superscript alef, and Quranic annotation
# signs. pyarabic names the core set; the ranges complete it.
_MARKS = (
    set(araby.TASHKEEL)
    | {chr(c) for c in range(0x064B, 0x0660)}
    | {"\u0670"}
    | {chr(c) for c in range(0x06D6, 0x06EE)}
    | {chr(c) for c in range(0x0610, 0x061B)}
)
_TATWEEL = araby.TATWEEL

# Invisible format characters: zero-width space/joiners, bidi marks, embeddings
# and isolates, word joiner, BOM, soft hyphen, Arabic letter mark.
INVISIBLE = (
    {chr(c) for c in range(0x200B, 0x2010)}
    | {chr(c) for c in range(0x202A, 0x202F)}
    | {chr(c) for c in range(0x2060, 0x2065)}
    | {chr(c) for c in range(0x2066, 0x206A)}
    | {"\ufeff", "\u00ad", "\u061c"}
)

# What ``strip_marks`` drops: a word's letters are the rest.
DROPPED = frozenset(_MARKS | INVISIBLE | {_TATWEEL})
_STRIP = {ord(c): None for c in DROPPED}

_LETTERS = {
    # alef forms -> bare alef
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0622": "\u0627",  # آ
    "\u0671": "\u0627",  # ٱ wasla
    "\u0672": "\u0627",
    "\u0673": "\u0627",
    # final forms
    "\u0649": "\u064a",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
    # Persian/Urdu look-alikes
    "\u06a9": "\u0643",  # ک -> ك
    "\u06aa": "\u0643",
    "\u06cc": "\u064a",  # ی -> ي
    "\u06d0": "\u064a",
    "\u06be": "\u0647",  # ھ -> ه
    "\u06c1": "\u0647",
    "\u06c0": "\u0647",  # ۀ -> ه
    "\u06d5": "\u0647",
}
_HAMZA_SEATS = {
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u064a",  # ئ -> ي
}
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}


def letter_folds(hamza_seats: bool = False) -> dict[str, str]:
    """The one-character folds ``fold_letters`` makes (letters and digits)."""
    return _LETTERS | _DIGITS | (_HAMZA_SEATS if hamza_seats else {})


_FOLD = str.maketrans(letter_folds())
_FOLD_SEATS = str.maketrans(letter_folds(hamza_seats=True))


def compatibility(word: str) -> str:
    """NFKC: presentation-form glyphs (copied from PDFs) back to letters, and
    decomposed hamza/madda sequences composed, so later rules see one spelling."""
    return word if word.isascii() else unicodedata.normalize("NFKC", word)


def strip_marks(word: str) -> str:
    """Drop harakat, tatweel and invisible characters: they never change a word."""
    return word.translate(_STRIP)


def fold_letters(word: str, hamza_seats: bool = False) -> str:
    """Unify alef, ya and ta-marbuta spellings, Persian look-alikes and digits."""
    return word.translate(_FOLD_SEATS if hamza_seats else _FOLD)


def lowercase(word: str) -> str:
    return word.lower()


def normalize(word: str, hamza_seats: bool = False) -> str:
    """The whole normalize-only chain for one word.

    Order: compatibility first (a ligature may expand to letters carrying
    marks, and decomposed hamza must compose before folding), then marks, then
    letter folding, then case. The result may contain spaces when a ligature
    stands for several words (e.g. U+FDFA).
    """
    return lowercase(fold_letters(strip_marks(compatibility(word)), hamza_seats))


def fold_spelling(text: str, hamza_seats: bool = False) -> str:
    """A whole text in one spelling (no marks, folded letters and digits), case
    and punctuation kept: what an embedder reads, so that a query's spelling
    variants get one vector, as they get one set of terms."""
    return fold_letters(strip_marks(compatibility(text)), hamza_seats)
