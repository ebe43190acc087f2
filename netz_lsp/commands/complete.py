"""`netz-lsp complete FILE --line L --column C`: one completion through the LSP pipeline."""

from __future__ import annotations

import sys
from pathlib import Path

from netz_lsp.backend.errors import BackendError
from netz_lsp.commands.common import build_runtime, print_backend_error
from netz_lsp.document.positions import PositionEncoding
from netz_lsp.languages import language_id_for_path

EXIT_NO_COMPLETION = 0
EXIT_BACKEND_FAILED = 1
EXIT_BAD_INPUT = 2


def _workspace_root_of(path: Path) -> Path:
    """Return the nearest folder above `path` with a `.git`, else the file's own folder."""
    for folder in path.parents:
        if (folder / ".git").exists():
            return folder
    return path.parent


async def run_complete(arguments, settings_raw: dict) -> int:
    from netz_lsp.completion.service import CompletionService

    path = Path(arguments.file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"error: file not found: {path}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UnicodeDecodeError, IsADirectoryError) as error:
        print(f"error: cannot read {path} as UTF-8 text: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT

    runtime = build_runtime(settings_raw)
    runtime.set_workspace_root(str(_workspace_root_of(path.resolve())))
    runtime.scan_workspace()
    document = runtime.documents.open(path.resolve().as_uri(), text, language_id_for_path(path), 0)
    if arguments.line < 1 or arguments.line > document.line_count:
        print(f"error: --line {arguments.line} is outside the file (1..{document.line_count})", file=sys.stderr)
        return EXIT_BAD_INPUT
    line_length = len(document.line_text(arguments.line - 1))
    if arguments.column < 1 or arguments.column > line_length + 1:
        print(f"error: --column {arguments.column} is outside line {arguments.line} (1..{line_length + 1})", file=sys.stderr)
        return EXIT_BAD_INPUT
    # Editors show 1-based columns in characters, which is the UTF-32 encoding of LSP.
    cursor_char = document.offset_at(arguments.line - 1, arguments.column - 1, PositionEncoding.UTF32)

    if not runtime.allows(document.uri):
        print(
            f"(no completion) {path} is private or excluded: secret files (.env*, *.pem, *.key, id_rsa*), "
            "files ignored by .gitignore or .netzignore, and `exclude` globs never reach a model.",
            file=sys.stderr,
        )
        await runtime.aclose()
        return EXIT_NO_COMPLETION

    service = CompletionService(runtime)
    try:
        result = await service.complete(document, cursor_char, "cli1")
    except BackendError as error:
        print_backend_error(error, runtime)
        return EXIT_BACKEND_FAILED
    finally:
        await runtime.aclose()
    if result is None:
        print("(no completion)", file=sys.stderr)
        return EXIT_NO_COMPLETION
    sys.stdout.write(result.text)
    if not result.text.endswith("\n"):
        sys.stdout.write("\n")
    return 0
