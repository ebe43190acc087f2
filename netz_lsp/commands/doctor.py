"""`netz-lsp doctor`: is the backend reachable, are the models installed, can they do FIM?"""

from __future__ import annotations

import sys

from netz_lsp.backend.errors import BackendError
from netz_lsp.commands.common import build_runtime, print_backend_error
from netz_lsp.i18n import is_turkish
from netz_lsp.prompt.families import FIM_FAMILIES

EXIT_OK = 0
EXIT_PROBLEMS = 1


def _text(turkish: bool, tr: str, en: str) -> str:
    return tr if turkish else en


def _installed(model: str, installed_names: set[str]) -> bool:
    """Match Ollama's naming: `mistral` is `mistral:latest`."""
    if model in installed_names:
        return True
    return ":" not in model and f"{model}:latest" in installed_names


async def run_doctor(arguments, settings_raw: dict) -> int:
    runtime = build_runtime(settings_raw)
    settings = runtime.settings
    turkish = is_turkish(runtime.locale)
    backend = runtime.backend
    print(_text(turkish, f"Sunucu: {settings.backend} — {backend.host}", f"Backend: {settings.backend} at {backend.host}"))

    try:
        installed = {model.name for model in await backend.list_models()}
    except BackendError as error:
        print(_text(turkish, "  ✗ ulaşılamıyor", "  ✗ unreachable"))
        print_backend_error(error, runtime)
        await runtime.aclose()
        return EXIT_PROBLEMS
    print(_text(turkish, f"  ✓ ulaşılabilir, yüklü model sayısı: {len(installed)}", f"  ✓ reachable, installed models: {len(installed)}"))

    required = {
        "completion": settings.models.completion,
        "chat": settings.models.chat,
        "question": settings.models.question,
    }
    if settings.profile != "auto":
        required[f"profile {settings.profile}"] = getattr(settings.profile_models, settings.profile)

    missing: list[str] = []
    for role, model in required.items():
        if _installed(model, installed):
            line = f"  ✓ {role}: {model}"
            if settings.backend == "ollama" and role == "completion":
                line += await _fim_check(backend, model, settings.family_for(model), turkish)
            print(line)
        else:
            print(_text(turkish, f"  ✗ {role}: {model} yüklü değil", f"  ✗ {role}: {model} is not installed"))
            missing.append(model)

    if missing and settings.backend == "ollama" and arguments.pull:
        missing = await _pull(backend, missing, turkish)
    if missing:
        if settings.backend == "ollama":
            print(_text(turkish, "Eksik modelleri yükleyin:", "Install the missing models:"))
            for model in dict.fromkeys(missing):
                print(f"  ollama pull {model}")
        else:
            print(_text(
                turkish,
                f"Sunucunun sunduğu modeller: {', '.join(sorted(installed)) or '-'}. `netz.models` ayarını bunlardan birine çevirin.",
                f"The server serves: {', '.join(sorted(installed)) or '-'}. Point `netz.models` at one of them.",
            ))
    await runtime.aclose()
    return EXIT_OK if not missing else EXIT_PROBLEMS


async def _fim_check(backend, model: str, family, turkish: bool) -> str:
    """Describe whether the model's Ollama template accepts a suffix and whether NETZ has a FIM template for it."""
    try:
        shown = await backend.show(model)
    except BackendError as error:
        return f" ({error})"
    template = shown.get("template") or ""
    template_has_suffix = ".Suffix" in template
    known_family = family in FIM_FAMILIES
    notes = []
    notes.append(_text(turkish, "şablon suffix destekliyor" if template_has_suffix else "şablon suffix desteklemiyor",
                       "template supports suffix" if template_has_suffix else "template has no suffix"))
    notes.append(_text(turkish, f"FIM ailesi: {family.value}" if known_family else "FIM ailesi bilinmiyor: netz.modelOptions.<model>.family ayarlayın",
                       f"FIM family: {family.value}" if known_family else "unknown FIM family: set netz.modelOptions.<model>.family"))
    return " — " + ", ".join(notes)


async def _pull(backend, models: list[str], turkish: bool) -> list[str]:
    still_missing = []
    for model in dict.fromkeys(models):
        print(_text(turkish, f"İndiriliyor: {model}", f"Pulling {model}"))
        try:
            async for progress in backend.pull(model):
                total = progress.get("total") or 0
                completed = progress.get("completed") or 0
                status = progress.get("status") or ""
                if total:
                    filled = int(30 * completed / total)
                    sys.stdout.write(f"\r  [{'#' * filled}{'.' * (30 - filled)}] {100 * completed // total:3d}% {status[:40]:40s}")
                else:
                    sys.stdout.write(f"\r  {status[:72]:72s}")
                sys.stdout.flush()
            sys.stdout.write("\n")
        except BackendError as error:
            sys.stdout.write("\n")
            print(f"  ✗ {model}: {error}", file=sys.stderr)
            still_missing.append(model)
    return still_missing
