"""English-ish demo text with a Zipfian vocabulary, for ``inv db.seed``.

Word frequencies follow Zipf's law (the word of rank r is drawn with probability
proportional to 1/r) over one ranked vocabulary: English function words first (the
``english`` text-search configuration drops them, as it would in real prose), then a few
hundred real content words, then a long tail of pronounceable made-up words. With about
200 words per article this gives what a search benchmark needs: the top content words
appear in 10-40 % of the articles, tail words in a handful of them.

Everything is drawn from one `random.Random`, so a seed reproduces the same text.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

#: The most frequent English words; to_tsvector('english', ...) drops all of these.
FUNCTION_WORDS = (
    "the of and to a in is that for it as with was on be by this are or from at which an "
    "but not have has its can we you they their will all when than into how about these "
    "our there"
).split()

#: Real content words, most frequent first (a blog about software, teams and ideas).
CONTENT_WORDS = (
    "data time system people team work design code performance user project database "
    "query year product change process software problem question model service value "
    "example number world idea business server network security test result experience "
    "language feature release support application community cost report function table "
    "index search cloud customer development research market story version practice "
    "history science music travel city health energy food water policy money school "
    "future power quality memory library platform framework interface review budget "
    "analysis method pattern strategy structure growth risk storage backup cluster cache "
    "latency throughput schema migration deploy pipeline monitoring incident outage "
    "scaling replica transaction lock queue worker message event stream batch request "
    "response token session account password privacy encryption compliance audit "
    "documentation tutorial guide lesson mistake habit career manager engineer designer "
    "writer reader editor author article chapter draft feedback meeting decision "
    "roadmap deadline estimate sprint backlog ticket bug fix patch upgrade dependency "
    "package compiler runtime kernel thread process container image volume mount "
    "protocol socket browser mobile desktop garden kitchen recipe coffee bread river "
    "mountain forest ocean island winter summer spring autumn morning evening weekend "
    "holiday family friend neighbor village market festival museum theater painting "
    "novel poem camera photograph bicycle train airport hotel restaurant street bridge "
    "tower castle harbor desert valley glacier volcano planet galaxy telescope orbit "
    "satellite rocket engine battery solar wind carbon climate weather storm rain snow "
    "election parliament court law contract tax salary pension insurance mortgage rent "
    "startup investor revenue profit loss merger acquisition strategy pricing discount "
    "inventory shipping warehouse supplier factory robot sensor drone vehicle traffic "
    "parking license permit inspection hospital doctor nurse patient vaccine therapy "
    "nutrition exercise sleep stress focus attention curiosity patience courage humor "
    "kindness trust honesty freedom justice equality tradition culture language grammar "
    "vocabulary translation dialect accent poetry rhythm melody harmony guitar piano "
    "violin orchestra concert album playlist podcast radio television newspaper magazine "
    "journalist interview headline column opinion debate argument evidence theory "
    "experiment hypothesis measurement statistics probability algorithm graph vector "
    "matrix tensor gradient optimization compression parser lexer syntax semantics "
    "refactoring abstraction encapsulation inheritance recursion iteration concurrency "
    "parallelism determinism idempotency consistency availability partition durability "
    "isolation replication sharding partitioning vacuum checkpoint snapshot rollback "
    "postgres sqlite redis kafka kubernetes docker linux python rust golang javascript "
    "typescript haskell erlang elixir clojure fortran cobol"
).split()

_ONSETS = ("b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr qu r s sc sh sk "
           "sl sm sn sp st str t th tr v w z").split()  # fmt: skip
_VOWELS = "a e i o u ai ea ee io oa ou".split()
_CODAS = ("", "", "", "n", "r", "l", "s", "t", "m", "nd", "nt", "rk", "st", "x", "ck")


def _made_up_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct pronounceable words of 2-3 syllables, none of them in ``taken``."""
    words: list[str] = []
    seen = set(taken)
    while len(words) < count:
        syllables = rng.choice((2, 2, 3))
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(syllables)
        )
        if word not in seen and 5 <= len(word) <= 14:
            seen.add(word)
            words.append(word)
    return words


class DemoText:
    """Titles, excerpts, article bodies and comments drawn from one Zipfian vocabulary."""

    def __init__(self, rng: random.Random, tail_words: int = 100_000) -> None:
        self._rng = rng
        content = list(dict.fromkeys(CONTENT_WORDS))  # keep the rank order, drop repeats
        tail = _made_up_words(rng, tail_words, set(FUNCTION_WORDS) | set(content))
        self.ranked: Sequence[str] = (*FUNCTION_WORDS, *content, *tail)
        self._cum = list(itertools.accumulate(1.0 / rank for rank in range(1, len(self.ranked) + 1)))
        # Titles use content words only, with the same 1/r law among them.
        self._title_words: Sequence[str] = (*content, *tail)
        self._title_cum = list(
            itertools.accumulate(1.0 / rank for rank in range(1, len(self._title_words) + 1))
        )

    @property
    def content_words(self) -> Sequence[str]:
        """Real content words, most frequent first (what a benchmark's common terms are)."""
        return self.ranked[len(FUNCTION_WORDS) : len(FUNCTION_WORDS) + len(set(CONTENT_WORDS))]

    def words(self, count: int) -> list[str]:
        return self._rng.choices(self.ranked, cum_weights=self._cum, k=count)

    def title(self) -> str:
        rng = self._rng
        words = rng.choices(self._title_words, cum_weights=self._title_cum, k=rng.randint(3, 8))
        form = rng.random()
        if form < 0.15:
            words = ["how", "to", *words]
        elif form < 0.25:
            words = ["why", *words, "matters"]
        elif form < 0.3:
            words = [str(rng.randint(3, 12)), "lessons", "on", *words]
        return " ".join(w.capitalize() if i == 0 or len(w) > 3 else w for i, w in enumerate(words))

    def sentences(self, word_count: int) -> list[str]:
        rng = self._rng
        words = self.words(word_count)
        out: list[str] = []
        start = 0
        while start < len(words):
            end = start + rng.randint(6, 18)
            sentence = words[start:end]
            sentence[0] = sentence[0].capitalize()
            out.append(" ".join(sentence) + ".")
            start = end
        return out

    def excerpt(self) -> str:
        return " ".join(self.sentences(self._rng.randint(14, 36)))

    def body(self) -> str:
        """An article body: 60-600 words (median about 190) in paragraphs of 2-6 sentences."""
        rng = self._rng
        word_count = min(600, max(60, int(rng.lognormvariate(5.25, 0.45))))
        sentences = self.sentences(word_count)
        paragraphs: list[str] = []
        start = 0
        while start < len(sentences):
            end = start + rng.randint(2, 6)
            paragraphs.append(" ".join(sentences[start:end]))
            start = end
        return "\n\n".join(paragraphs)

    def comment(self) -> str:
        return " ".join(self.sentences(self._rng.randint(5, 60)))
