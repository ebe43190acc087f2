"""The syntax-aware builder: budgets, no duplicates, fallbacks and private files."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netz_lsp.context.builder import SyntaxContextBuilder, snippet_cost
from netz_lsp.context.tokens import TokenEstimator
from netz_lsp.context.types import ContextRequest
from netz_lsp.context.workspace_index import WorkspaceIndex
from netz_lsp.document.text_document import TextDocument
from netz_lsp.prompt.fim import TEMPLATES
from netz_lsp.syntax.document_syntax import SyntaxIndex

STDLIB_JSON_DECODER = Path("/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py")

SERVICE_SOURCE = '''import os
from decimal import Decimal

from .oranlar import varsayilan_oran


class Müşteri:
    """Bir müşteri."""

    def __init__(self, ad: str):
        self.ad = ad

    def hesapla_ücret(self, saat: int) -> Decimal:
        # Kullanıcı girişi
        oran = varsayilan_oran()
        toplam = saat * oran
        return toplam


def rapor(müşteri: Müşteri) -> str:
    ücret = müşteri.hesapla_ücret(8)
    return f"{müşteri.ad}: {ücret}"
'''

RATES_SOURCE = '''def varsayilan_oran() -> Decimal:
    """Saatlik varsayılan oran."""
    return Decimal("2.5")
'''


def open_document(index: SyntaxIndex, uri: str, text: str, language_id: str) -> TextDocument:
    document = TextDocument(uri, text, language_id)
    index.on_open(document)
    return document


def assert_fits_every_template(context, estimator: TokenEstimator, token_budget: int, file_path: str) -> None:
    for template in TEMPLATES.values():
        prompt = template.render(context, repo_name="workspace")
        assert estimator.count(prompt) <= token_budget, (template.family, estimator.count(prompt), token_budget)


def assert_no_part_twice(context, document: TextDocument) -> None:
    # When even the cursor line is over budget, the fallback cuts the first and last line.
    lines = [line for line in (context.prefix + context.suffix).splitlines()[1:-1] if line.strip()]
    text_lines = [line for line in document.text.splitlines() if line.strip()]
    # A line appears in the prompt at most as often as it appears in the file.
    for line in set(lines):
        assert lines.count(line) <= text_lines.count(line), line
    keys = [(snippet.path, snippet.text) for snippet in context.snippets]
    assert len(keys) == len(set(keys))


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "oranlar.py").write_text(RATES_SOURCE, encoding="utf-8")
    (tmp_path / "servis.py").write_text(SERVICE_SOURCE, encoding="utf-8")
    return tmp_path


def test_definition_from_workspace(workspace):
    index = SyntaxIndex()
    document = open_document(index, (workspace / "servis.py").as_uri(), SERVICE_SOURCE, "python")
    workspace_index = WorkspaceIndex(workspace)
    assert workspace_index.scan() == 2
    builder = SyntaxContextBuilder(index, workspace_index)
    cursor = SERVICE_SOURCE.index("        toplam = saat")
    context = builder.build(ContextRequest(document, cursor, 2048, TokenEstimator(), "servis.py"))

    paths = [snippet.path for snippet in context.snippets]
    assert paths == ["oranlar.py"]
    assert "def varsayilan_oran() -> Decimal:" in context.snippets[0].text
    # The file's own definitions never come back from the index as snippets.
    assert all("servis.py" not in snippet.path for snippet in context.snippets)


def test_enclosing_header_kept_when_body_cut():
    filler = "".join(f"    x{i} = {i}  # satır {i}\n" for i in range(400))
    text = "import os\n\nclass Uzun:\n    def çok_uzun(self):\n" + filler.replace("    x", "        x") + "        |\n"
    cursor = text.index("|")
    text = text.replace("|", "")
    index = SyntaxIndex()
    document = open_document(index, "file:///w/uzun.py", text, "python")
    context = SyntaxContextBuilder(index).build(ContextRequest(document, cursor, 256, TokenEstimator(), "uzun.py"))
    assert context.prefix.startswith("import os\n")
    assert "class Uzun:\n    def çok_uzun(self):\n" in context.prefix
    assert "x0 = 0" not in context.prefix
    assert "x399 = 399" in context.prefix


def test_prefix_cut_on_whole_lines():
    source = STDLIB_JSON_DECODER.read_text(encoding="utf-8")
    index = SyntaxIndex()
    document = open_document(index, STDLIB_JSON_DECODER.as_uri(), source, "python")
    cursor = source.index("        end = _w(s, end).end()") + 8
    context = SyntaxContextBuilder(index).build(ContextRequest(document, cursor, 300, TokenEstimator(), "json/decoder.py"))
    lines = set(source.splitlines())
    for line in context.prefix.splitlines()[:-1] + context.suffix.splitlines()[1:]:
        assert line in lines, line


# The workspace fixture is only read, so sharing it across examples is safe.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Below about 45 tokens even an empty context overflows, because the FIM tokens count too.
@given(position=st.floats(0, 1), token_budget=st.integers(64, 3000))
def test_budget_never_exceeded(workspace, position, token_budget):
    source = STDLIB_JSON_DECODER.read_text(encoding="utf-8")
    index = SyntaxIndex()
    document = open_document(index, (workspace / "decoder.py").as_uri(), source, "python")
    open_document(index, (workspace / "servis.py").as_uri(), SERVICE_SOURCE, "python")
    other = index.documents[(workspace / "servis.py").as_uri()]
    index.on_change(other, other.replace(10, 10, "\nimport sys\n"))
    builder = SyntaxContextBuilder(index, WorkspaceIndex(workspace))
    builder.workspace_index.scan()
    estimator = TokenEstimator()
    cursor = int(position * len(source))

    context = builder.build(ContextRequest(document, cursor, token_budget, estimator, "decoder.py"))

    assert_fits_every_template(context, estimator, token_budget, "decoder.py")
    assert_no_part_twice(context, document)
    if token_budget >= 1000:
        assert source[:cursor].endswith(context.prefix[-20:])


def test_budget_filled_on_long_file():
    source = STDLIB_JSON_DECODER.read_text(encoding="utf-8")
    index = SyntaxIndex()
    document = open_document(index, STDLIB_JSON_DECODER.as_uri(), source, "python")
    estimator = TokenEstimator()
    cursor = source.index("def JSONArray")
    context = SyntaxContextBuilder(index).build(ContextRequest(document, cursor, 1024, estimator, "json/decoder.py"))
    used = len(context.prefix) + len(context.suffix) + sum(snippet_cost(snippet) for snippet in context.snippets)
    assert used >= 0.85 * estimator.max_chars(1024)


@pytest.mark.parametrize(
    "uri, language_id, text",
    [
        ("file:///w/notes.lua", "lua", "local x = 1\nprint(x)\n"),
        ("file:///w/empty.py", "python", ""),
        ("file:///w/broken.py", "python", "def f(:\n    return )\nclass\n  x = [1, 2\n"),
        ("file:///w/broken.ts", "typescript", "function f( {\n  let x = ;\n}\n}}}\n"),
        ("file:///w/unknown", "", "just text\nmore text\n"),
    ],
)
def test_prompt_for_unsupported_empty_broken(uri, language_id, text):
    index = SyntaxIndex()
    document = open_document(index, uri, text, language_id)
    estimator = TokenEstimator()
    for cursor in {0, len(text) // 2, len(text)}:
        context = SyntaxContextBuilder(index).build(ContextRequest(document, cursor, 512, estimator, "f"))
        assert context.prefix + context.suffix == text[: len(context.prefix)] + text[cursor : cursor + len(context.suffix)]
        assert context.prefix == text[:cursor]
        assert_fits_every_template(context, estimator, 512, "f")


def test_private_files_never_contribute(tmp_path):
    secret = "API_KEY = 'gizli-anahtar-123'\n"
    (tmp_path / ".env").write_text(secret)
    (tmp_path / "server.key").write_text(secret)
    (tmp_path / "id_rsa").write_text(secret)
    (tmp_path / "ayarlar.py").write_text("def oku():\n    return API_KEY\n")
    (tmp_path / "gizli.py").write_text("def gizli_fonksiyon():\n    return 'gizli-anahtar-123'\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "uretilmis.py").write_text("def gizli_fonksiyon():\n    return 'gizli-anahtar-123'\n")
    (tmp_path / ".gitignore").write_text("build/\n")

    index = SyntaxIndex()
    env_document = open_document(index, (tmp_path / ".env").as_uri(), secret, "dotenv")
    index.on_change(env_document, env_document.replace(0, 0, "# edit\n"))
    key_document = open_document(index, (tmp_path / "server.key").as_uri(), secret, "python")
    index.on_change(key_document, key_document.replace(0, 0, "# edit\n"))
    workspace_index = WorkspaceIndex(tmp_path, exclude=["gizli.py"])
    workspace_index.scan()
    assert workspace_index.file_count == 1

    text = "from ayarlar import oku\n\ndef kullan():\n    oku()\n    gizli_fonksiyon()\n    API_KEY\n"
    document = open_document(index, (tmp_path / "kullan.py").as_uri(), text, "python")
    builder = SyntaxContextBuilder(index, workspace_index)
    context = builder.build(ContextRequest(document, len(text), 2048, TokenEstimator(), "kullan.py"))
    rendered = TEMPLATES[next(iter(TEMPLATES))].render(context)
    assert "gizli-anahtar" not in rendered
    assert [snippet.path for snippet in context.snippets] == ["ayarlar.py"]

    private_context = builder.build(ContextRequest(env_document, 3, 2048, TokenEstimator(), ".env"))
    assert private_context.prefix == ""
    assert private_context.suffix == ""


def test_recent_edit_of_other_file(tmp_path):
    index = SyntaxIndex()
    other = open_document(index, (tmp_path / "a.py").as_uri(), "def a():\n    return 1\n" * 3, "python")
    index.on_change(other, other.replace(len(other.text), len(other.text), "YENİ_SABİT = 42\n"))
    document = open_document(index, (tmp_path / "b.py").as_uri(), "x = 1\n", "python")
    context = SyntaxContextBuilder(index).build(ContextRequest(document, 6, 1024, TokenEstimator(), "b.py"))
    recent = [snippet for snippet in context.snippets if snippet.kind == "recent-edit"]
    assert len(recent) == 1
    assert "YENİ_SABİT = 42" in recent[0].text


def test_budget_leaves_room_for_estimate_error():
    from netz_lsp.context.budgets import ESTIMATE_ERROR_FACTOR, effective_token_budget, model_limits

    for model in ("deepseek-coder-v2:16b-lite-base-q4_0", "qwen2.5-coder:32b", "mistral", "llama3.2", "qwen2.5:72b", "qwen2.5-coder:0.5b"):
        limits = model_limits(model)
        for task in ("completion", "code_action", "question"):
            budget = effective_token_budget(model, task)
            assert budget * ESTIMATE_ERROR_FACTOR <= limits.num_ctx - limits.num_predict, (model, task)
    assert effective_token_budget("deepseek-coder-v2:16b-lite-base-q4_0", "completion") == 4096
    assert effective_token_budget("m", "completion", {"numCtx": 1000, "numPredict": 200, "completionBudget": 5000}) == 500
