"""Fill-in-the-middle templates, one per model family, with their stop strings.

The server builds the raw prompt itself instead of relying on the backend's template, so the
same prompt reaches Ollama (`raw: true`) and OpenAI-compatible servers (`/v1/completions`).
Token spellings come from each model's tokenizer configuration on Hugging Face:
DeepSeek-Coder-V2-Lite-Base, Qwen2.5-Coder, CodeLlama, StarCoder2 and Codestral-22B.
"""

from __future__ import annotations

from dataclasses import dataclass

from netz_lsp.context.types import CompletionContext, Snippet
from netz_lsp.prompt.families import ModelFamily

# DeepSeek uses U+FF5C (fullwidth vertical line) and U+2581 (lower one eighth block).
DEEPSEEK_BEGIN = "<\uff5cfim\u2581begin\uff5c>"
DEEPSEEK_HOLE = "<\uff5cfim\u2581hole\uff5c>"
DEEPSEEK_END = "<\uff5cfim\u2581end\uff5c>"
DEEPSEEK_EOS = "<\uff5cend\u2581of\u2581sentence\uff5c>"


@dataclass(frozen=True)
class FimTemplate:
    family: ModelFamily
    stop: tuple[str, ...]
    # Every special token of the family, removed if one leaks into a completion.
    special_tokens: tuple[str, ...]
    supports_repo_format: bool = False

    def render(self, context: CompletionContext, repo_name: str = "") -> str:
        return _RENDERERS[self.family](context, repo_name)


_LINE_COMMENT = {
    "python": "#", "ruby": "#", "shellscript": "#", "perl": "#", "r": "#", "yaml": "#",
    "toml": "#", "dockerfile": "#", "makefile": "#", "elixir": "#", "julia": "#",
    "lua": "--", "sql": "--", "haskell": "--",
}


def line_comment_for(language_id: str) -> str:
    """Return the line-comment marker of a language, `//` for the C family and unknown ones."""
    return _LINE_COMMENT.get(language_id, "//")


def snippets_as_comments(snippets: list[Snippet], language_id: str) -> str:
    """Render snippets from other files as a comment block that goes before the prefix."""
    if not snippets:
        return ""
    marker = line_comment_for(language_id)
    blocks = []
    for snippet in snippets:
        lines = [f"{marker} Path: {snippet.path}"]
        lines.extend(f"{marker} {line}" if line else marker for line in snippet.text.splitlines())
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + "\n"


def _render_deepseek(context: CompletionContext, repo_name: str) -> str:
    prefix = snippets_as_comments(context.snippets, context.language) + context.prefix
    return f"{DEEPSEEK_BEGIN}{prefix}{DEEPSEEK_HOLE}{context.suffix}{DEEPSEEK_END}"


def _render_qwen(context: CompletionContext, repo_name: str) -> str:
    fim = f"<|fim_prefix|>{context.prefix}<|fim_suffix|>{context.suffix}<|fim_middle|>"
    if not context.snippets:
        return fim
    # Repo-level form: other files first, each after `<|file_sep|>` and its path.
    parts = [f"<|repo_name|>{repo_name or 'workspace'}\n"]
    for snippet in context.snippets:
        parts.append(f"<|file_sep|>{snippet.path}\n{snippet.text.rstrip()}\n")
    parts.append(f"<|file_sep|>{context.file_path or 'current'}\n{fim}")
    return "".join(parts)


def _render_codellama(context: CompletionContext, repo_name: str) -> str:
    prefix = snippets_as_comments(context.snippets, context.language) + context.prefix
    return f"<PRE> {prefix} <SUF>{context.suffix} <MID>"


def _render_starcoder2(context: CompletionContext, repo_name: str) -> str:
    prefix = snippets_as_comments(context.snippets, context.language) + context.prefix
    return f"<fim_prefix>{prefix}<fim_suffix>{context.suffix}<fim_middle>"


def _render_codestral(context: CompletionContext, repo_name: str) -> str:
    prefix = snippets_as_comments(context.snippets, context.language) + context.prefix
    return f"[SUFFIX]{context.suffix}[PREFIX]{prefix}"


_RENDERERS = {
    ModelFamily.DEEPSEEK: _render_deepseek,
    ModelFamily.QWEN: _render_qwen,
    ModelFamily.CODELLAMA: _render_codellama,
    ModelFamily.STARCODER2: _render_starcoder2,
    ModelFamily.CODESTRAL: _render_codestral,
}

_QWEN_TOKENS = (
    "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>", "<|repo_name|>",
    "<|file_sep|>", "<|endoftext|>", "<|im_start|>", "<|im_end|>",
)
_DEEPSEEK_TOKENS = (DEEPSEEK_BEGIN, DEEPSEEK_HOLE, DEEPSEEK_END, DEEPSEEK_EOS, "<|EOT|>")
_CODELLAMA_TOKENS = ("<PRE>", "<SUF>", "<MID>", "<EOT>", "</s>")
_STARCODER_TOKENS = ("<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<fim_pad>", "<file_sep>", "<repo_name>", "<|endoftext|>")
_CODESTRAL_TOKENS = ("[PREFIX]", "[SUFFIX]", "[MIDDLE]", "[INST]", "[/INST]", "</s>")

TEMPLATES: dict[ModelFamily, FimTemplate] = {
    ModelFamily.DEEPSEEK: FimTemplate(ModelFamily.DEEPSEEK, stop=_DEEPSEEK_TOKENS, special_tokens=_DEEPSEEK_TOKENS),
    ModelFamily.QWEN: FimTemplate(ModelFamily.QWEN, stop=_QWEN_TOKENS, special_tokens=_QWEN_TOKENS, supports_repo_format=True),
    ModelFamily.CODELLAMA: FimTemplate(ModelFamily.CODELLAMA, stop=_CODELLAMA_TOKENS, special_tokens=_CODELLAMA_TOKENS),
    ModelFamily.STARCODER2: FimTemplate(ModelFamily.STARCODER2, stop=_STARCODER_TOKENS, special_tokens=_STARCODER_TOKENS),
    ModelFamily.CODESTRAL: FimTemplate(ModelFamily.CODESTRAL, stop=_CODESTRAL_TOKENS, special_tokens=_CODESTRAL_TOKENS),
}

# Tokens of every family, for scrubbing output whatever the template was.
ALL_SPECIAL_TOKENS: tuple[str, ...] = tuple(
    sorted({token for template in TEMPLATES.values() for token in template.special_tokens}, key=len, reverse=True)
)


def template_for(family: ModelFamily) -> FimTemplate | None:
    """Return the FIM template of `family`, or None for chat-only families."""
    return TEMPLATES.get(family)
