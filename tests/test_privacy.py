"""Privacy rules against the real `netz-lsp` process: private files never reach a prompt,
logs carry no source text by default, and the backend host is logged at start-up."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from netz_lsp.context.file_filter import FileFilter
from tests.conftest import double_settings, wait_until

# Paths relative to the workspace, each opened with its own marker string.
PRIVATE_FILES = [
    ".env",
    ".env.production",
    "config/.envrc",
    "certs/server.pem",
    "certs/deploy.key",
    "home/id_rsa",
    "home/id_rsa.pub",
    "build/generated.py",
    "src/settings.secret.py",
    "notes/private/plan.py",
    "vendor/lib/util.py",
]
GITIGNORE = "build/\n*.secret.py\n"
NETZIGNORE = "notes/private/\n"
EXCLUDE = ["vendor/**"]


def make_workspace(root: Path) -> None:
    (root / ".gitignore").write_text(GITIGNORE)
    (root / ".netzignore").write_text(NETZIGNORE)
    for relative in PRIVATE_FILES + ["src/app.py"]:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


def marker_for(relative: str) -> str:
    return "NETZ_SECRET_MARKER_" + relative.replace("/", "_").replace(".", "_")


def all_prompts(double) -> list[str]:
    texts = []
    for request in double.requests:
        if isinstance(request.body, dict):
            texts.append(request.raw_body.decode("utf-8", "replace"))
    return texts


async def test_private_files_never_prompted(start_netz, ollama_double, tmp_path):
    make_workspace(tmp_path)
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double, exclude=EXCLUDE), root_uri=tmp_path.as_uri())
    for relative in PRIVATE_FILES:
        uri = (tmp_path / relative).as_uri()
        netz.open(uri, f"{marker_for(relative)} = 'value'\nkey = ", language_id="python")
        assert await netz.complete(uri, 1, 6) is None, relative
    assert ollama_double.requests_to("/api/generate") == []

    public_uri = (tmp_path / "src/app.py").as_uri()
    netz.open(public_uri, "import os\nvalue = ")
    assert (await netz.complete(public_uri, 1, 8)).items[0].insert_text == "1"
    assert len(ollama_double.requests_to("/api/generate")) == 1
    for text in all_prompts(ollama_double):
        assert "NETZ_SECRET_MARKER" not in text


async def test_ignore_file_change_takes_effect(start_netz, ollama_double, tmp_path):
    make_workspace(tmp_path)
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double), root_uri=tmp_path.as_uri())
    uri = (tmp_path / "src/app.py").as_uri()
    netz.open(uri, "NETZ_SECRET_MARKER_late = 1\nvalue = ")
    (tmp_path / ".netzignore").write_text(NETZIGNORE + "src/app.py\n")
    assert await netz.complete(uri, 1, 8) is None
    assert ollama_double.requests_to("/api/generate") == []


async def test_exclude_setting_applies_at_once(start_netz, ollama_double, tmp_path):
    make_workspace(tmp_path)
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double), root_uri=tmp_path.as_uri())
    uri = (tmp_path / "src/app.py").as_uri()
    netz.open(uri, "value = ")
    assert (await netz.complete(uri, 0, 8)).items[0].insert_text == "1"
    netz.configure({"exclude": ["src/**"]})
    netz.change(uri, 2, (0, 8), (0, 8), "N")
    # Neither the prompt cache nor the shown suggestion may answer for an excluded file.
    netz.change(uri, 3, (0, 9), (0, 9), "")
    assert await netz.complete(uri, 0, 8) is None
    assert len(ollama_double.requests_to("/api/generate")) == 1


def test_file_filter_rules(tmp_path):
    make_workspace(tmp_path)
    rules = FileFilter(tmp_path, EXCLUDE)
    for relative in PRIVATE_FILES:
        assert not rules.allows((tmp_path / relative).as_uri()), relative
    assert rules.allows((tmp_path / "src/app.py").as_uri())
    assert rules.allows("untitled:Untitled-1")
    # Outside the workspace only the fixed names and the exclude globs apply.
    assert not rules.allows("file:///elsewhere/.env.local")
    assert rules.allows("file:///elsewhere/build/generated.py")


async def test_default_logs_carry_no_source(start_netz, ollama_double, tmp_path):
    ollama_double.reply_with("NETZ_REPLY_MARKER")
    stderr_path = tmp_path / "stderr.log"
    netz = await start_netz(double_settings(ollama_double), stderr_path=stderr_path)
    uri = "file:///work/demo/app.py"
    netz.open(uri, "NETZ_SOURCE_MARKER = 1\nvalue = ")
    netz.change(uri, 2, (1, 8), (1, 8), "NETZ_EDIT_MARKER ")
    await netz.complete(uri, 1, 25)
    ollama_double.go_down()
    netz.change(uri, 3, (1, 25), (1, 25), "x")
    await netz.complete(uri, 1, 26)
    await netz.stop()
    log = stderr_path.read_text()
    assert "talking to the ollama backend at " + ollama_double.url in log
    for marker in ("NETZ_SOURCE_MARKER", "NETZ_EDIT_MARKER", "NETZ_REPLY_MARKER"):
        assert marker not in log


async def test_log_prompts_logs_and_says_so(start_netz, ollama_double, tmp_path):
    ollama_double.reply_with("1")
    stderr_path = tmp_path / "stderr.log"
    netz = await start_netz(double_settings(ollama_double, logLevel="debug", logPrompts=True), stderr_path=stderr_path)
    netz.open("file:///work/demo/app.py", "NETZ_SOURCE_MARKER = 1\nvalue = ")
    await netz.complete("file:///work/demo/app.py", 1, 8)
    await netz.stop()
    log = stderr_path.read_text()
    assert "NETZ_SOURCE_MARKER" in log
    assert "logPrompts is on, so source text is logged" in log


async def test_remote_host_only_when_configured(start_netz, ollama_double, tmp_path):
    stderr_path = tmp_path / "stderr.log"
    netz = await start_netz(double_settings(ollama_double), stderr_path=stderr_path)
    status = await netz.command("netz.status")
    assert status["host"].startswith("http://127.0.0.1:")
    infos = [message.message for message in netz.messages if message.type == types.MessageType.Info]
    assert infos == []

    # 192.0.2.0/24 is reserved for documentation; no completion is requested, so nothing is sent.
    netz.configure({"ollamaHost": "http://192.0.2.10:11434"})
    await wait_until(lambda: any("non-local" in message.message for message in netz.messages), what="remote host notice")
    await netz.stop()
    log = stderr_path.read_text()
    assert "talking to the ollama backend at http://192.0.2.10:11434" in log


async def test_actions_and_ask_never_prompt_private_files(start_netz, ollama_double, tmp_path):
    make_workspace(tmp_path)
    # A private file defines the name the public file calls, so the context builder would
    # pick it up as a definition if the rules let it.
    (tmp_path / "certs/deploy.key").write_text("def imzala(veri):\n    return 'NETZ_SECRET_MARKER_key_body'\n")
    ollama_double.reply_with("```python\ndef kullan(veri):\n    return imzala(veri)\n```")
    netz = await start_netz(double_settings(ollama_double, exclude=EXCLUDE), root_uri=tmp_path.as_uri())
    for relative in PRIVATE_FILES:
        netz.open((tmp_path / relative).as_uri(), f"{marker_for(relative)} = 'value'\n", language_id="python")
    public_uri = (tmp_path / "src/app.py").as_uri()
    netz.open(public_uri, "def kullan(veri):\n    return imzala(veri)\n")

    actions = await netz.code_actions(public_uri, (0, 0), (1, 26))
    assert actions
    for action in actions:
        await netz.resolve(action)
    await netz.command("netz.ask", {"question": "Bu kod ne yapar?", "uri": public_uri})
    private_uri = (tmp_path / ".env").as_uri()
    await netz.command("netz.ask", {"question": "Bu dosyada ne var?", "uri": private_uri})
    private_actions = await netz.code_actions(private_uri, (0, 0), (0, 10))

    assert private_actions in (None, [])
    assert len(ollama_double.requests_to("/api/chat")) >= 2
    for text in all_prompts(ollama_double):
        assert "NETZ_SECRET_MARKER" not in text
