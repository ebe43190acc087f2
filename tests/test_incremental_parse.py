"""Incremental re-parsing must give the same tree and outline as parsing from scratch."""

from hypothesis import given, settings
from hypothesis import strategies as st

from netz_lsp.document.text_document import TextDocument
from netz_lsp.syntax.adapter import SyntaxTree
from netz_lsp.syntax.document_syntax import SyntaxIndex, merge_byte_edits
from netz_lsp.syntax.outline import Outline
from netz_lsp.syntax.queries import queries_for

PYTHON_SOURCE = (
    "import os\r\n"
    "from typing import Any\n"
    "\n"
    "# Kullanıcı girişi\n"
    "class Hesap:\n"
    "    def hesapla_ücret(self, saat: int) -> int:\n"
    "        return saat * 2  # ücret 💶\n"
    "\n"
    "def çalıştır(x):\r\n"
    "    return Hesap().hesapla_ücret(x)\n"
)

TYPESCRIPT_SOURCE = (
    "import { a } from './a';\n"
    "export interface Kullanıcı { ad: string }\n"
    "export function selamla(k: Kullanıcı): string {\r\n"
    "  return `Merhaba ${k.ad} 👋`;\n"
    "}\n"
    "class Sayaç { artır() { return 1; } }\n"
)

# Fragments biased towards code, plus multi-byte characters and every line break style.
FRAGMENTS = st.sampled_from(
    ["def ", "class ", "(", ")", ":", "\n", "\r\n", "\r", "    ", "ü", "ş", "💶", "return ", "x", "#", '"', "{", "}", "import os\n", ""]
)
EDIT_TEXT = st.lists(FRAGMENTS, max_size=5).map("".join)


def fresh_parse(language: str, text: str) -> SyntaxTree:
    return SyntaxTree(language, text.encode("utf-8", "surrogatepass"))


def run_edits(language_id: str, uri: str, source: str, data) -> None:
    document = TextDocument(uri, source, language_id)
    index = SyntaxIndex()
    index.on_open(document)
    edits = data.draw(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 12), EDIT_TEXT), max_size=8))
    for position, length, new_text in edits:
        start_char = int(position * len(document.text))
        edit = document.replace(start_char, start_char + length, new_text)
        index.on_change(document, edit)

    syntax = index.get(uri)
    assert syntax is not None
    source = document.text.encode("utf-8", "surrogatepass")
    expected = fresh_parse(syntax.language, document.text)
    spans = syntax.tree.node_spans()
    assert spans[0] == expected.node_spans()[0]
    if not expected.has_error:
        assert spans == expected.node_spans()
    # NOTE: with syntax errors, tree-sitter's error recovery may build a different (equally
    # valid) tree incrementally than from scratch, so only error-free trees compare equal.
    queries = queries_for(syntax.language)
    assert syntax.outline.entries == Outline.extract(syntax.tree, queries, source).entries


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_python_edits_match_fresh_parse(data):
    run_edits("python", "file:///w/hesap.py", PYTHON_SOURCE, data)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_typescript_edits_match_fresh_parse(data):
    run_edits("typescript", "file:///w/selam.ts", TYPESCRIPT_SOURCE, data)


def test_replace_all_reparses():
    document = TextDocument("file:///w/a.py", "x = 1\n", "python")
    index = SyntaxIndex()
    index.on_open(document)
    edit = document.replace_all("def f():\n    pass\n")
    index.on_change(document, edit)
    names = [entry.name for entry in index.get(document.uri).outline.definitions]
    assert names == ["f"]


@given(st.binary(max_size=40), st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.binary(max_size=6)), min_size=1, max_size=8))
@settings(max_examples=500, deadline=None)
def test_merged_edits_equal_one_edit(original, raw_edits):
    current = original
    pending = None
    for first, second, inserted in raw_edits:
        start_byte = min(first, second, len(current))
        old_end_byte = min(max(first, second), len(current))
        current = current[:start_byte] + inserted + current[old_end_byte:]
        pending = merge_byte_edits(pending, start_byte, old_end_byte, start_byte + len(inserted))
    start_byte, old_end_byte, new_end_byte = pending
    assert original[:start_byte] + current[start_byte:new_end_byte] + original[old_end_byte:] == current
