"""Model catalog for the Ollama test double: specs, default models and name rules.

The tags are real Ollama library tags. Sizes, parameter counts and templates are
estimates modeled on the Ollama library, not copies of it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

# Ollama resolves a name without a tag to this tag.
DEFAULT_TAG = "latest"

# Full names in Ollama error messages carry the registry and namespace.
REGISTRY_PREFIX = "registry.ollama.ai/library/"


@dataclass(frozen=True)
class ModelSpec:
    """An installed model as /api/tags and /api/show report it.

    `template` is a Go template. A model supports fill-in-the-middle ("insert")
    exactly when the template contains `.Suffix`, which is also how Ollama decides.
    """

    name: str
    family: str
    parameter_size: str
    quantization: str
    template: str
    size_bytes: int
    context_length: int = 32768
    stop: tuple[str, ...] = field(default_factory=tuple)

    @property
    def supports_insert(self) -> bool:
        return ".Suffix" in self.template

    @property
    def digest(self) -> str:
        """Deterministic fake sha256 of the model manifest."""
        return hashlib.sha256(self.name.encode()).hexdigest()

    @property
    def capabilities(self) -> list[str]:
        capabilities = ["completion"]
        if self.supports_insert:
            capabilities.append("insert")
        return capabilities

    @property
    def parameters(self) -> str:
        """The `parameters` text of /api/show: one `stop` line per stop string."""
        return "\n".join(f'stop                           "{stop}"' for stop in self.stop)

    @property
    def parameter_count(self) -> int:
        return parse_parameter_count(self.parameter_size)


def normalize_model_name(name: str) -> str:
    """Return `name` with `:latest` appended when it has no tag, as Ollama resolves it."""
    last_segment = name.rsplit("/", 1)[-1]
    if ":" in last_segment:
        return name
    return f"{name}:{DEFAULT_TAG}"


def parse_parameter_count(parameter_size: str) -> int:
    """Convert "15.7B" or "360M" into a parameter count, or 0 when the text has no number."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMBT]?)\s*", parameter_size, re.IGNORECASE)
    if match is None:
        return 0
    scale = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}[match.group(2).upper()]
    return int(float(match.group(1)) * scale)


def _fim_template(fim_with_suffix: str) -> str:
    """A base-model template: the FIM layout when a suffix is sent, the bare prompt otherwise."""
    return "{{- if .Suffix }}" + fim_with_suffix + "\n{{- else }}{{ .Prompt }}\n{{- end }}"


_CHATML_TEMPLATE = (
    "{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"
    "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}"
    "<|im_start|>assistant\n"
)

_MISTRAL_TEMPLATE = (
    "{{- range .Messages }}"
    '{{- if eq .Role "user" }}[INST] {{ .Content }}[/INST]'
    '{{- else if eq .Role "assistant" }} {{ .Content }}</s>{{- end }}'
    "{{- end }}"
)

_LLAMA3_TEMPLATE = (
    "{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n"
    "{{ .Content }}<|eot_id|>{{ end }}"
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
)


def default_models() -> list[ModelSpec]:
    """Return the models NETZ AI uses, with their real Ollama tags."""
    return [
        ModelSpec(
            name="deepseek-coder-v2:16b-lite-base-q4_0",
            family="deepseek2",
            parameter_size="15.7B",
            quantization="Q4_0",
            template=_fim_template(
                "<｜fim▁begin｜>{{ .Prompt }}<｜fim▁hole｜>{{ .Suffix }}<｜fim▁end｜>"
            ),
            size_bytes=8_905_000_000,
            context_length=163840,
            stop=("<｜end▁of▁sentence｜>",),
        ),
        ModelSpec(
            name="qwen2.5-coder:32b",
            family="qwen2",
            parameter_size="32.8B",
            quantization="Q4_K_M",
            template=_CHATML_TEMPLATE,
            size_bytes=19_851_000_000,
            stop=("<|im_start|>", "<|im_end|>"),
        ),
        ModelSpec(
            name="qwen2.5-coder:1.5b-base",
            family="qwen2",
            parameter_size="1.5B",
            quantization="Q4_K_M",
            template=_fim_template(
                "<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>"
            ),
            size_bytes=986_000_000,
            stop=("<|endoftext|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>"),
        ),
        ModelSpec(
            name="mistral:latest",
            family="llama",
            parameter_size="7.2B",
            quantization="Q4_0",
            template=_MISTRAL_TEMPLATE,
            size_bytes=4_113_000_000,
            stop=("[INST]", "[/INST]"),
        ),
        ModelSpec(
            name="llama3.2:latest",
            family="llama",
            parameter_size="3.2B",
            quantization="Q4_K_M",
            template=_LLAMA3_TEMPLATE,
            size_bytes=2_019_000_000,
            context_length=131072,
            stop=("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"),
        ),
        ModelSpec(
            name="qwen2.5:72b",
            family="qwen2",
            parameter_size="72.7B",
            quantization="Q4_K_M",
            template=_CHATML_TEMPLATE,
            size_bytes=47_415_000_000,
            stop=("<|im_start|>", "<|im_end|>"),
        ),
        ModelSpec(
            name="codellama:7b-code",
            family="llama",
            parameter_size="7B",
            quantization="Q4_0",
            template=_fim_template("<PRE> {{ .Prompt }} <SUF>{{ .Suffix }} <MID>"),
            size_bytes=3_825_000_000,
            context_length=16384,
            stop=("<EOT>",),
        ),
        ModelSpec(
            name="starcoder2:3b",
            family="starcoder2",
            parameter_size="3B",
            quantization="Q4_0",
            template=_fim_template(
                "<fim_prefix>{{ .Prompt }}<fim_suffix>{{ .Suffix }}<fim_middle>"
            ),
            size_bytes=1_711_000_000,
            context_length=16384,
            stop=("<file_sep>", "<|end_of_text|>"),
        ),
        ModelSpec(
            name="codestral:latest",
            family="llama",
            parameter_size="22.2B",
            quantization="Q4_0",
            template=_fim_template("[SUFFIX]{{ .Suffix }}[PREFIX] {{ .Prompt }}"),
            size_bytes=12_569_000_000,
            stop=("[INST]", "[/INST]"),
        ),
    ]


def spec_for_pulled_model(name: str) -> ModelSpec:
    """Build a plausible spec for a model that is not in the default catalog.

    The family is the name before the tag, the parameter size comes from a tag such
    as `7b`, and the template has no `.Suffix`, so the model does not support insert.
    """
    full_name = normalize_model_name(name)
    base, _, tag = full_name.rpartition(":")
    size_match = re.search(r"(\d+(?:\.\d+)?)([bm])", tag, re.IGNORECASE)
    parameter_size = f"{size_match.group(1)}{size_match.group(2).upper()}" if size_match else "7B"
    # An estimate of 0.6 bytes per parameter for a 4-bit quantization.
    size_bytes = max(int(parse_parameter_count(parameter_size) * 0.6), 1)
    return ModelSpec(
        name=full_name,
        family=base.rsplit("/", 1)[-1],
        parameter_size=parameter_size,
        quantization="Q4_K_M",
        template="{{ .Prompt }}",
        size_bytes=size_bytes,
    )
