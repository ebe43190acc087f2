"""Incremental re-parsing must give the same tree and outline as parsing from scratch."""

from hypothesis import given, settings
from hypothesis import strategies as st

from netz_lsp.document.text_document import TextDocument
from netz_lsp.syntax.adapter import SyntaxTree
from netz_lsp.syntax.document_syntax import SyntaxIndex
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
