"""Package layout that `pyproject.toml` cannot express: the repo-root `grammars/` folder
ships inside the package as `netz_lsp.grammars`, so installed copies find their queries."""

from pathlib import Path

from setuptools import find_namespace_packages, find_packages, setup

GRAMMAR_LANGUAGES = sorted(path.name for path in Path(__file__).parent.joinpath("grammars").iterdir() if path.is_dir())

setup(
    packages=find_packages(include=["netz_lsp", "netz_lsp.*"])
    + find_namespace_packages(include=["netz_lsp.bench.data"])
    + ["netz_lsp.grammars"]
    + [f"netz_lsp.grammars.{language}" for language in GRAMMAR_LANGUAGES],
    package_dir={"netz_lsp.grammars": "grammars"},
    package_data={
        "netz_lsp": ["py.typed"],
        "netz_lsp.bench.data": ["*.json", "*.md", "*.txt"],
        "netz_lsp.grammars": ["README.md"],
        **{f"netz_lsp.grammars.{language}": ["*.scm"] for language in GRAMMAR_LANGUAGES},
    },
)
