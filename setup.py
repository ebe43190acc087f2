"""Package layout that `pyproject.toml` cannot express: the repo-root `grammars/` folder
ships inside the package as `netz_lsp.grammars`, so installed copies find their queries."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["netz_lsp", "netz_lsp.*"]) + ["netz_lsp.grammars"],
    package_dir={"netz_lsp.grammars": "grammars"},
    package_data={
        "netz_lsp": ["py.typed"],
        "netz_lsp.bench": ["data/*.json", "data/*.md", "data/*.txt"],
        "netz_lsp.grammars": ["*/*.scm", "README.md"],
    },
)
