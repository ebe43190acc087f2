"""Query files per language: they compile, and they find scopes, imports and definitions."""

import pytest

from netz_lsp.document.text_document import TextDocument
from netz_lsp.syntax.adapter import SUPPORTED_LANGUAGES, CompiledQuery, language_for
from netz_lsp.syntax.document_syntax import SyntaxIndex
from netz_lsp.syntax.queries import QUERY_KINDS, grammars_dir, query_path, queries_for
from netz_lsp.syntax.regions import enclosing_headers


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("kind", QUERY_KINDS)
def test_query_file_compiles(language, kind):
    path = query_path(language, kind)
    assert path.is_file(), path
    query = CompiledQuery(language, path.read_text(encoding="utf-8"), str(path))
    assert query.pattern_count > 0


def test_every_language_has_its_queries():
    assert set(SUPPORTED_LANGUAGES) <= {folder.name for folder in grammars_dir().iterdir() if folder.is_dir()}
    for language in SUPPORTED_LANGUAGES:
        assert queries_for(language) is not None


@pytest.mark.parametrize(
    "language_id, path, expected",
    [
        ("python", "", "python"),
        ("typescriptreact", "", "tsx"),
        ("javascriptreact", "", "javascript"),
        ("", "src/main.rs", "rust"),
        ("", "lib/Ağaç.hpp", "cpp"),
        ("", "Main.java", "java"),
        ("lua", "init.lua", None),
        ("", "notes.txt", None),
        ("", "", None),
    ],
)
def test_language_for(language_id, path, expected):
    assert language_for(language_id, path) == expected


# Each case: language id, file name, source with `|` at the cursor, expected enclosing header
# lines, expected import count, and names that must be among the definitions.
CASES = [
    (
        "python", "hesap.py",
        "import os\nfrom decimal import Decimal\n\n# Kullanıcı girişi\nclass Müşteri:\n"
        "    def hesapla_ücret(self, saat: int,\n                      oran: Decimal) -> Decimal:\n"
        "        \"\"\"Ücreti hesapla.\"\"\"\n        toplam = saat * oran\n        |\n\nVARSAYILAN_ORAN = 2\n",
        ["class Müşteri:", "    def hesapla_ücret(self, saat: int,", "                      oran: Decimal) -> Decimal:"],
        2, {"Müşteri", "hesapla_ücret", "VARSAYILAN_ORAN"},
    ),
    (
        "javascript", "sepet.js",
        "import { vergi } from './vergi.js';\nconst fs = require('fs');\n// Sepet toplamı\n"
        "class Sepet {\n  toplamıHesapla(ürünler) {\n    let toplam = 0;\n    |\n  }\n}\n"
        "function yardımcı(x) { return x; }\n",
        ["class Sepet {", "  toplamıHesapla(ürünler) {"],
        2, {"Sepet", "toplamıHesapla", "yardımcı"},
    ),
    (
        "typescript", "kullanici.ts",
        "import { Kimlik } from './kimlik';\n\nexport interface Kullanıcı {\n  ad: string;\n}\n\n"
        "export function selamla(k: Kullanıcı): string {\n  |\n}\n\ntype Sayı = number;\n",
        ["export function selamla(k: Kullanıcı): string {"],
        1, {"Kullanıcı", "selamla", "Sayı"},
    ),
    (
        "typescriptreact", "Buton.tsx",
        "import React from 'react';\n\nexport function Buton(props: { etiket: string }) {\n"
        "  return <button>{props.etiket}</button>;|\n}\n",
        ["export function Buton(props: { etiket: string }) {"],
        1, {"Buton"},
    ),
    (
        "go", "hesap.go",
        "package hesap\n\nimport (\n\t\"fmt\"\n)\n\n// Ücret hesaplar\ntype Müşteri struct {\n\tAd string\n}\n\n"
        "func (m *Müşteri) Ücret(saat int) int {\n\t|\n}\n",
        ["func (m *Müşteri) Ücret(saat int) int {"],
        2, {"Müşteri", "Ücret"},
    ),
    (
        "rust", "hesap.rs",
        "use std::collections::HashMap;\n\n/// Kullanıcı girişi\nstruct Müşteri { ad: String }\n\n"
        "impl Müşteri {\n    fn ücret(&self, saat: u32) -> u32 {\n        |\n    }\n}\n",
        ["impl Müşteri {", "    fn ücret(&self, saat: u32) -> u32 {"],
        1, {"Müşteri", "ücret"},
    ),
    (
        "java", "Hesap.java",
        "package tr.netz;\n\nimport java.util.List;\n\n// Kullanıcı girişi\npublic class Hesap {\n"
        "    private int oran = 2;\n    public int ücretHesapla(int saat) {\n        |\n    }\n}\n",
        ["public class Hesap {", "    public int ücretHesapla(int saat) {"],
        2, {"Hesap", "ücretHesapla", "oran"},
    ),
    (
        "c", "hesap.c",
        "#include <stdio.h>\n#include \"hesap.h\"\n\n/* Kullanıcı girişi */\nstruct musteri { int saat; };\n\n"
        "int ucret_hesapla(int saat) {\n    |\n}\n",
        ["int ucret_hesapla(int saat) {"],
        2, {"musteri", "ucret_hesapla"},
    ),
    (
        "cpp", "hesap.cpp",
        "#include <vector>\nusing std::vector;\n\n// Kullanıcı girişi\nnamespace netz {\nclass Hesap {\n public:\n"
        "  int ucret(int saat) {\n    |\n  }\n};\n}\n",
        ["namespace netz {", "class Hesap {", "  int ucret(int saat) {"],
        2, {"netz", "Hesap", "ucret"},
    ),
]


@pytest.mark.parametrize("language_id, file_name, marked, headers, import_count, names", CASES, ids=[case[0] for case in CASES])
def test_scopes_imports_definitions(language_id, file_name, marked, headers, import_count, names):
    cursor_char = marked.index("|")
    text = marked.replace("|", "", 1)
    document = TextDocument(f"file:///w/{file_name}", text, language_id)
    index = SyntaxIndex()
    index.on_open(document)
    syntax = index.get(document.uri)
    assert syntax is not None

    cursor_byte = document.byte_offset_at(cursor_char)
    header_lines = [
        document.line_text(row)
        for header in enclosing_headers(syntax, cursor_byte)
        for row in range(header.first_row, header.last_row + 1)
    ]
    assert header_lines == headers
    assert len(syntax.outline.imports) == import_count
    found = {entry.name for entry in syntax.outline.definitions}
    assert names <= found, found
