"""The syntax-aware context reaches the prompts of the real server process."""

import asyncio

from tests.conftest import double_settings

QWEN = "qwen2.5-coder:1.5b-base"


async def test_definition_from_open_document_in_prompt(start_netz, ollama_double, tmp_path):
    ollama_double.reply_with("tutar)")
    netz = await start_netz(double_settings(ollama_double), root_uri=tmp_path.as_uri())
    netz.open((tmp_path / "vergi.py").as_uri(), "def hesapla_kdv(tutar: float) -> float:\n    \"\"\"KDV'yi hesapla.\"\"\"\n    return tutar * 0.20\n")
    main_uri = (tmp_path / "fatura.py").as_uri()
    netz.open(main_uri, "from vergi import hesapla_kdv\n\ntoplam = hesapla_kdv(\n")
    await netz.complete(main_uri, 2, 21)
    prompt = ollama_double.requests_to("/api/generate")[-1].body["prompt"]
    assert "# def hesapla_kdv(tutar: float) -> float:" in prompt
    assert prompt.count("def hesapla_kdv") == 1


async def test_workspace_file_on_disk_in_qwen_repo_prompt(start_netz, ollama_double, tmp_path):
    ollama_double.reply_with("x")
    (tmp_path / "geometri.py").write_text("class Üçgen:\n    def alan(self, taban, yükseklik):\n        return taban * yükseklik / 2\n", encoding="utf-8")
    netz = await start_netz(double_settings(ollama_double, models={"completion": QWEN}), root_uri=tmp_path.as_uri())
    main_uri = (tmp_path / "ana.py").as_uri()
    netz.open(main_uri, "from geometri import Üçgen\n\nşekil = Üçgen()\nprint(şekil.alan(\n")
    # The workspace is indexed in the background after start-up; ask again until it is done.
    # Until then the prompt stays the same and is served from the cache.
    for _ in range(100):
        await netz.complete(main_uri, 3, 17)
        prompt = ollama_double.requests_to("/api/generate")[-1].body["prompt"]
        if "<|file_sep|>geometri.py" in prompt:
            break
        await asyncio.sleep(0.2)
    assert prompt.startswith(f"<|repo_name|>{tmp_path.name}\n")
    assert "<|file_sep|>geometri.py\nclass Üçgen:" in prompt
    assert "<|file_sep|>ana.py\n<|fim_prefix|>" in prompt


async def test_private_files_never_in_prompt(start_netz, ollama_double, tmp_path):
    ollama_double.reply_with("x")
    (tmp_path / ".env").write_text("API_KEY=gizli-anahtar-1234\n", encoding="utf-8")
    (tmp_path / "server.key").write_text("def gizli_fonksiyon():\n    return 'anahtar-5678'\n", encoding="utf-8")
    netz = await start_netz(double_settings(ollama_double), root_uri=tmp_path.as_uri())
    env_uri = (tmp_path / ".env").as_uri()
    netz.open(env_uri, "API_KEY=gizli-anahtar-1234\n", language_id="dotenv")
    main_uri = (tmp_path / "app.py").as_uri()
    netz.open(main_uri, "import os\nkey = gizli_fonksiyon(\n")
    assert await netz.complete(env_uri, 0, 5) is None
    await netz.complete(main_uri, 1, 22)
    prompts = [request.body["prompt"] for request in ollama_double.requests_to("/api/generate")]
    assert len(prompts) == 1
    assert "gizli-anahtar-1234" not in prompts[0]
    assert "anahtar-5678" not in prompts[0]
