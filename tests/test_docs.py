"""Every module and test the documents cite still exists.

README.md and docs/*.md point at code as evidence (`incidents/access.py`,
`tests/hostile/test_forged_requests.py::test_a_post_without_the_csrf_token_is_refused_everywhere`,
and after one full citation, `::another_test` in the same file). A module moved or a test
renamed without its citations leaves a document vouching with something that isn't there;
this names each such citation, by document and line.

A path is read from the repository's root when its first folder is one there (`safeguard/`,
`tests/`, `scripts/`...), and otherwise from `safeguard/`, as the documents write app modules
(`lib/immutable.py`). A bare file name (`recording_views.py`, or `models.py` for a kind of
module) must name a file somewhere in the repository.
"""

import ast
import os
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
TOP_LEVEL = {entry.name for entry in ROOT.iterdir()}
NOT_OURS = {".git", ".venv", "var", "staticfiles", "build", "node_modules", "__pycache__"}

# A path or file name ending in .py, not part of a longer word, path or placeholder
# (`<app>/tests/factories.py`), optionally followed by ::name, ::Class::name.
CITATION = re.compile(r"(?<![\w/.<>{}-])((?:[\w.-]+/)*[\w-]+\.py)((?:::\w+)*)")
# `::name` on its own: a further test in the file cited last.
CONTINUATION = re.compile(r"(?<![\w/.:>])((?:::\w+)+)")


@cache
def modules_named() -> dict[str, list[Path]]:
    """Every Python file of the repository, by file name."""
    found: dict[str, list[Path]] = {}
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in NOT_OURS]
        for name in files:
            if name.endswith(".py"):
                found.setdefault(name, []).append(Path(folder) / name)
    return found


def repository_paths(cited: str) -> list[Path]:
    """The files a citation may mean: one for a path, every file of that name for a bare name."""
    if "/" not in cited:
        return modules_named().get(cited, [])
    first = cited.split("/", 1)[0]
    path = ROOT / cited if first in TOP_LEVEL else ROOT / "safeguard" / cited
    return [path] if path.is_file() else []


@cache
def names_in(path: Path) -> dict[str, set[str]]:
    """Top-level names of a module (functions, classes, assignments), each class with its
    own members."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names[node.name] = set()
        elif isinstance(node, ast.ClassDef):
            names[node.name] = {
                child.name
                for child in node.body
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            }
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update({target.id: set() for target in targets if isinstance(target, ast.Name)})
    return names


def missing(cited: str, chain: list[str]) -> str | None:
    """Why `cited::chain` doesn't exist ("" for a file that isn't there), or None when it does."""
    paths = repository_paths(cited)
    if not paths:
        return ""
    if not chain:
        return None
    if not any(chain[0] in names_in(path) for path in paths):
        return f"{cited} has no {chain[0]}"
    if len(chain) > 1 and not any(chain[1] in names_in(path).get(chain[0], ()) for path in paths):
        return f"{chain[0]} in {cited} has no {chain[1]}"
    return None


def citations(document: Path) -> list[tuple[int, str, str | None]]:
    """(line number, what is cited, why it doesn't exist) for every citation of code."""
    found: list[tuple[int, str, str | None]] = []
    last_file = None
    for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            last_file = None  # a `::name` never reaches across a paragraph
            continue
        spans = []
        for match in CITATION.finditer(line):
            spans.append((match.start(), match.group(1), match.group(2)))
        taken = [range(match.start(), match.end()) for match in CITATION.finditer(line)]
        for match in CONTINUATION.finditer(line):
            if not any(match.start() in span for span in taken):
                spans.append((match.start(), None, match.group(1)))
        for _, cited, chain_text in sorted(spans, key=lambda span: span[0]):
            chain = [part for part in chain_text.split("::") if part]
            if cited is None:
                if last_file is None:
                    found.append((number, chain_text, "it follows no cited file"))
                    continue
                cited = last_file
            else:
                last_file = cited
            shown = cited + "".join(f"::{part}" for part in chain)
            found.append((number, shown, missing(cited, chain)))
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_module_and_test_a_document_cites_exists(document):
    name = document.relative_to(ROOT)
    stale = [
        f"{name} line {number} cites {shown}, which does not exist" + (f" ({why})" if why else "")
        for number, shown, why in citations(document)
        if why is not None
    ]
    if stale:
        pytest.fail("\n".join(stale), pytrace=False)


def test_the_citation_reader_finds_full_short_and_continued_citations(tmp_path):
    document = tmp_path / "example.md"
    document.write_text(
        "Rules in `lib/immutable.py`; tests `tests/test_docs.py::test_nothing_here`,\n"
        "`::test_every_module_and_test_a_document_cites_exists` and `safeguard/gone.py`.\n"
        "\n"
        "`::test_orphan` follows nothing; `<app>/tests/factories.py` is a placeholder;\n"
        "`conftest.py` is somewhere, `nowhere.py` isn't.\n",
        encoding="utf-8",
    )
    assert citations(document) == [
        (1, "lib/immutable.py", None),
        (
            1,
            "tests/test_docs.py::test_nothing_here",
            "tests/test_docs.py has no test_nothing_here",
        ),
        (2, "tests/test_docs.py::test_every_module_and_test_a_document_cites_exists", None),
        (2, "safeguard/gone.py", ""),
        (4, "::test_orphan", "it follows no cited file"),
        (5, "conftest.py", None),
        (5, "nowhere.py", ""),
    ]
