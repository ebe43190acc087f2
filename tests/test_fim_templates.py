"""FIM templates per model family, family detection and stop strings."""

import pytest

from netz_lsp.context.types import CompletionContext, Snippet
from netz_lsp.prompt.families import ModelFamily, detect_family
from netz_lsp.prompt.fim import DEEPSEEK_BEGIN, DEEPSEEK_END, DEEPSEEK_HOLE, template_for


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("deepseek-coder-v2:16b-lite-base-q4_0", ModelFamily.DEEPSEEK),
        ("qwen2.5-coder:32b", ModelFamily.QWEN),
        ("qwen2.5-coder-0.5b-instruct", ModelFamily.QWEN),
        ("codellama:7b-code", ModelFamily.CODELLAMA),
        ("starcoder2:3b", ModelFamily.STARCODER2),
        ("codestral:latest", ModelFamily.CODESTRAL),
        ("mistral", ModelFamily.MISTRAL),
        ("llama3.2", ModelFamily.LLAMA),
        ("qwen2.5:72b", ModelFamily.QWEN_CHAT),
        ("phi3", None),
    ],
)
def test_detect_family(model, family):
    assert detect_family(model) is family


def context(snippets=()):
    return CompletionContext(prefix="def add(a, b):\n    ", suffix="\n\nprint(add(1, 2))\n", snippets=list(snippets), file_path="m.py", language="python")


def test_deepseek_uses_fullwidth_bars():
    prompt = template_for(ModelFamily.DEEPSEEK).render(context())
    assert prompt == f"{DEEPSEEK_BEGIN}def add(a, b):\n    {DEEPSEEK_HOLE}\n\nprint(add(1, 2))\n{DEEPSEEK_END}"
    assert "\uff5c" in DEEPSEEK_BEGIN


def test_qwen_plain_form():
    prompt = template_for(ModelFamily.QWEN).render(context())
    assert prompt == "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>"


def test_qwen_repo_level_form():
    prompt = template_for(ModelFamily.QWEN).render(context([Snippet("util.py", "def helper():\n    pass")]), repo_name="demo")
    assert prompt.startswith("<|repo_name|>demo\n<|file_sep|>util.py\ndef helper():\n    pass\n<|file_sep|>m.py\n<|fim_prefix|>")


def test_other_families_put_snippets_in_comments():
    prompt = template_for(ModelFamily.STARCODER2).render(context([Snippet("util.py", "X = 1")]))
    assert prompt.startswith("<fim_prefix># Path: util.py\n# X = 1\ndef add")


def test_codestral_puts_suffix_first():
    prompt = template_for(ModelFamily.CODESTRAL).render(context())
    assert prompt.startswith("[SUFFIX]\n\nprint(add(1, 2))\n[PREFIX]def add")


def test_codellama_spacing():
    prompt = template_for(ModelFamily.CODELLAMA).render(context())
    assert prompt.startswith("<PRE> def add")
    assert prompt.endswith(" <MID>")


@pytest.mark.parametrize("family", [ModelFamily.DEEPSEEK, ModelFamily.QWEN, ModelFamily.CODELLAMA, ModelFamily.STARCODER2, ModelFamily.CODESTRAL])
def test_every_fim_family_has_stops(family):
    template = template_for(family)
    assert template.stop
    assert set(template.stop) <= set(template.special_tokens) | {"<|EOT|>"}


def test_chat_family_has_no_fim_template():
    assert template_for(ModelFamily.MISTRAL) is None
