"""Shared helpers for address and company matching: words with their key forms, a
Jaro-Winkler-to-bits curve and a small best-pairing of tokens."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from itertools import permutations

from rapidfuzz.distance import OSA, JaroWinkler

from .translit import cyrillic_language, fold_forms, latin_forms, plain_forms, script_of

__all__ = ["Word", "words_of", "word_sim", "jw_bits", "best_pairs", "logistic"]


@dataclass(frozen=True, slots=True)
class Word:
    raw: str
    forms: tuple[str, ...]
    script: str
    plain: tuple[str, ...] = ()

    @property
    def primary(self) -> str:
        return self.forms[0]


_RE_TOKEN = re.compile(r"[^\W_]+")


def words_of(text: str, country: str | None = None) -> list[Word]:
    """Words (letters or digits) of ``text`` with their folded forms; digits stay as-is."""
    text = unicodedata.normalize("NFC", text or "")
    lang = None
    if any("\u0400" <= c <= "\u052f" for c in text):
        lang = cyrillic_language(text, country)
    out: list[Word] = []
    for raw in _RE_TOKEN.findall(text):
        if raw.isdigit():
            out.append(Word(raw, (raw,), "digits"))
            continue
        forms: dict[str, None] = {}
        for latin in latin_forms(raw, lang):
            for f in fold_forms(latin):
                if f:
                    forms[f] = None
        if not forms and any(c.isdigit() for c in raw):
            forms[raw.casefold()] = None
        if forms:
            out.append(Word(raw, tuple(forms)[:4], script_of(raw), plain_forms(raw, lang)[:2]))
    return out


def word_sim(a: Word, b: Word) -> float:
    """1.0 when the key forms meet; else the best Jaro-Winkler over key forms and unfolded
    spellings, at least 0.93 for one edit in a word of five letters or more."""
    if set(a.forms) & set(b.forms):
        return 1.0
    best = 0.0
    for xs, ys in ((a.forms, b.forms), (a.plain, b.plain)):
        for x in xs:
            for y in ys:
                s = JaroWinkler.normalized_similarity(x, y)
                if (
                    s < 0.93
                    and min(len(x), len(y)) >= 5
                    and OSA.distance(x, y, score_cutoff=1) <= 1
                ):
                    s = 0.93
                best = max(best, s)
    return best


_CURVE = (
    (1.0, 1.0),
    (0.96, 0.75),
    (0.93, 0.5),
    (0.90, 0.1),
    (0.85, -0.4),
    (0.75, -1.0),
    (0.0, -1.0),
)


def jw_bits(s: float, full: float) -> float:
    """Similarity -> evidence, scaled so that 1.0 gives ``full`` bits and a clear
    mismatch gives ``-full`` bits."""
    for (x1, y1), (x0, y0) in zip(_CURVE, _CURVE[1:]):
        if s >= x0:
            return full * (y0 + (y1 - y0) * (s - x0) / (x1 - x0))
    return -full


def best_pairs(
    a: list[Word], b: list[Word], weight
) -> tuple[list[tuple[int, int, float]], list[int], list[int]]:
    """Pairing of tokens of ``a`` and ``b`` maximising sum(weight(i, j, sim))."""
    sims = {(i, j): word_sim(x, y) for i, x in enumerate(a) for j, y in enumerate(b)}
    n, m = len(a), len(b)
    swap = n > m
    small, big = (m, n) if swap else (n, m)
    assign: list[tuple[int, int]] = []
    if small <= 4 and big <= 6:
        best, best_perm = -math.inf, ()
        for perm in permutations(range(big), small):
            tot = 0.0
            for s_idx, b_idx in enumerate(perm):
                i, j = (b_idx, s_idx) if swap else (s_idx, b_idx)
                tot += weight(i, j, sims[i, j])
            if tot > best:
                best, best_perm = tot, perm
        assign = [((bi, si) if swap else (si, bi)) for si, bi in enumerate(best_perm)]
    else:
        used_i: set[int] = set()
        used_j: set[int] = set()
        for (i, j), _s in sorted(sims.items(), key=lambda kv: -weight(kv[0][0], kv[0][1], kv[1])):
            if i not in used_i and j not in used_j:
                assign.append((i, j))
                used_i.add(i)
                used_j.add(j)
    pairs = sorted((i, j, sims[i, j]) for i, j in assign)
    ua = [i for i in range(n) if i not in {p[0] for p in pairs}]
    ub = [j for j in range(m) if j not in {p[1] for p in pairs}]
    return pairs, ua, ub


def logistic(bits: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-bits))
