"""Inline `NETZ?` questions and Turkish doc comments as code actions, against the Ollama double."""

import pytest

from tests.conftest import double_settings
from tests.test_lsp_actions import action_by_kind, apply_edit, only_text_edit

PY_URI = "file:///work/demo/loop.py"
PY_SOURCE = (
    "def total(items):\n"
    "    # NETZ? Bu döngü neden yavaş?\n"
    "    result = ''\n"
    "    for item in items:\n"
    "        result += item\n"
    "    return result\n"
)


async def test_inline_question_offered_on_comment(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double))
    netz.open(PY_URI, PY_SOURCE)
    actions = await netz.code_actions(PY_URI, (1, 10), (1, 10))
    question = action_by_kind(actions, "question")
    assert question.data["question"] == "Bu döngü neden yavaş?"
    assert ollama_double.requests_to("/api/chat") == []


async def test_inline_turkish_answer_inserted_as_comment(start_netz, ollama_double):
    ollama_double.reply_with("Her `+=` yeni bir dize oluşturur.\nBunun yerine `''.join(items)` kullanın.")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(PY_URI, PY_SOURCE)
    question = action_by_kind(await netz.code_actions(PY_URI, (1, 10), (1, 10)), "question")

    resolved = await netz.resolve(question)

    text_edit = only_text_edit(resolved, PY_URI)
    assert text_edit.range.start.line == 2
    assert text_edit.range.start.character == 0
    assert text_edit.new_text == "    # Her `+=` yeni bir dize oluşturur.\n    # Bunun yerine `''.join(items)` kullanın.\n"
    prompt = ollama_double.requests_to("/api/chat")[0].body["messages"]
    assert "Soruyu Türkçe ve kısa yanıtla" in prompt[-1]["content"]
    assert "Türkçe" in prompt[0]["content"]


@pytest.mark.parametrize(
    "language_id, source, question_line, expected_prefix",
    [
        ("go", "package m\n\n// ?? why a slice here\nvar xs []int\n", 2, "// "),
        ("rust", "fn main() {\n    // NETZ? what does unwrap do\n    let x = 1;\n}\n", 1, "    // "),
        ("lua", "-- ?? what is a metatable\nlocal t = {}\n", 0, "-- "),
    ],
)
async def test_inline_answer_uses_language_comments(start_netz, ollama_double, language_id, source, question_line, expected_prefix):
    ollama_double.reply_with("Because it grows.")
    uri = f"file:///work/demo/file.{language_id}"
    netz = await start_netz(double_settings(ollama_double))
    netz.open(uri, source, language_id=language_id)
    question = action_by_kind(await netz.code_actions(uri, (question_line, 3), (question_line, 3)), "question")
    resolved = await netz.resolve(question)
    text_edit = only_text_edit(resolved, uri)
    assert text_edit.new_text == f"{expected_prefix}Because it grows.\n"
    assert "Answer the question briefly in English" in ollama_double.requests_to("/api/chat")[0].body["messages"][-1]["content"]


async def test_python_docstring_inserted_in_body(start_netz, ollama_double):
    ollama_double.reply_with('"""Öğelerin dizelerini birleştirir.\n\nArgs:\n    items: Birleştirilecek dizeler.\n"""')
    netz = await start_netz(double_settings(ollama_double))
    netz.open(PY_URI, PY_SOURCE)
    docstring = action_by_kind(await netz.code_actions(PY_URI, (4, 10), (4, 10)), "docstring")

    resolved = await netz.resolve(docstring)

    text_edit = only_text_edit(resolved, PY_URI)
    new_source = apply_edit(PY_SOURCE, text_edit)
    assert new_source.startswith(
        'def total(items):\n    """Öğelerin dizelerini birleştirir.\n\n    Args:\n        items: Birleştirilecek dizeler.\n    """\n    # NETZ?'
    )
    prompt = ollama_double.requests_to("/api/chat")[0].body["messages"][-1]["content"]
    assert "Türkçe bir belge yorumu yaz" in prompt
    assert "Google biçiminde" in prompt


@pytest.mark.parametrize(
    "language_id, source, cursor, expected",
    [
        ("javascript", "function add(a, b) {\n  return a + b;\n}\n", (1, 4), "/**\n * İki sayıyı toplar.\n */\nfunction add"),
        ("go", "package m\n\nfunc Add(a, b int) int {\n\treturn a + b\n}\n", (3, 2), "package m\n\n// İki sayıyı toplar.\nfunc Add"),
        ("rust", "fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n", (1, 4), "/// İki sayıyı toplar.\nfn add"),
        ("java", "class M {\n    int add(int a, int b) {\n        return a + b;\n    }\n}\n", (2, 8), "class M {\n    /**\n     * İki sayıyı toplar.\n     */\n    int add"),
    ],
)
async def test_doc_comment_format_per_language(start_netz, ollama_double, language_id, source, cursor, expected):
    ollama_double.reply_with("İki sayıyı toplar.")
    uri = f"file:///work/demo/add.{language_id}"
    netz = await start_netz(double_settings(ollama_double))
    netz.open(uri, source, language_id=language_id)
    docstring = action_by_kind(await netz.code_actions(uri, cursor, cursor), "docstring")
    resolved = await netz.resolve(docstring)
    new_source = apply_edit(source, only_text_edit(resolved, uri))
    assert new_source.startswith(expected)
