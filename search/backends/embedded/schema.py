"""The tantivy schema, and the one tokenizer tantivy is allowed to run.

Our analyzer produces the terms (``Analyzer.joined``); tantivy only splits
them on white space. That makes the index's terms ours by construction,
which ``tests/test_embedded_parity.py`` checks.
"""

from __future__ import annotations

import tantivy

from search.analysis.chain import MAX_TERM_CHARS

# Part of the schema, so named for what it splits: terms spelt one byte per
# letter (``search.analysis.alphabet``). An index whose terms were spelt as
# analysed ("arshif_ws") has another schema, and asks for a rebuild.
TOKENIZER = "arshif_one_byte"

# Ranking fields hold stemmed terms (frequencies suffice); *_exact fields hold
# unstemmed terms with positions, for phrases.
TEXT_FIELDS = ("title", "body")
EXACT = {name: f"{name}_exact" for name in TEXT_FIELDS}


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")  # ids of hits, unparsed
    builder.add_text_field("hash", tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="freq")
        builder.add_text_field(EXACT[name], tokenizer_name=TOKENIZER, index_option="position")
    for name in ("source", "lang", "cluster"):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_date_field("date", indexed=True, fast=True)
    builder.add_date_field("indexed_at", indexed=True, fast=True)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


def whitespace_analyzer() -> tantivy.TextAnalyzer:
    # remove_long is a guard only: the analyzer never emits longer terms.
    limit = MAX_TERM_CHARS * 4 + 1
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.remove_long(limit)).build()
