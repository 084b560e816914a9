"""The package's shape: layers that only look down, no import circle, tools apart from the product,
MediaPipe and ctypes each in one module, and MediaPipe used through its public API only.

Every module's imports are read with ``ast`` from its source, the ones inside functions too (the
package imports heavy modules lazily), so a lazy import cannot hide a circle or an upward step.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "demo"

# Lowest first. A module may import from its own layer or lower ones; live and files are two
# outputs side by side, so neither imports the other.
LAYERS = {"base": 0, "sources": 1, "perception": 2, "picture": 3, "live": 4, "files": 4, "tools": 5,
          "commands": 6}
TOP = 7  # demo.cli, demo.__main__ and the notebook facades demo.hog and demo.landmarks
TOP_MODULES = {"demo.cli", "demo.__main__", "demo.hog", "demo.landmarks"}
TOOLS_ALLOWED = ("demo.tools", "demo.commands")  # who may import demo.tools
ONLY_IMPORTER = {  # a dependency and the one module that may import it
    "mediapipe": "demo.perception.landmarks",
    "ctypes": "demo.base.offline",  # libc's prctl and syscall for the kernel's network filter
}


@dataclass(frozen=True)
class Import:
    """One imported module, as a dotted name, and the line that imports it."""

    name: str
    line: int


def module_name(path: Path, root: Path) -> str:
    """``demo/sources/camera.py`` -> ``demo.sources.camera``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_imports(root: Path) -> dict[str, list[Import]]:
    """Every module of the package at ``root`` and what it imports, at any depth of its code.

    ``from a import b`` counts as importing ``a.b`` when that is a module of the package, else ``a``.
    """
    sources = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    found: dict[str, list[Import]] = {}
    for module, path in sources.items():
        is_package = path.name == "__init__.py"
        imports = []
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imports += [Import(alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from its own package upwards
                    here = module.split(".") if is_package else module.split(".")[:-1]
                    here = here[:len(here) - node.level + 1]
                    base = ".".join(here + ([base] if base else []))
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    imports.append(Import(child if child in sources else base, node.lineno))
        found[module] = imports
    return found


def layer(module: str) -> tuple[int, str]:
    """(rank, name) of a module's layer; the package's own ``__init__`` is at the bottom."""
    parts = module.split(".")
    if module == parts[0]:
        return 0, "package"
    if len(parts) > 1 and parts[1] in LAYERS:
        return LAYERS[parts[1]], parts[1]
    return TOP, module


def inside(imports: dict[str, list[Import]], root: str = "demo") -> dict[str, list[Import]]:
    """Only the imports of the package's own modules."""
    return {module: [i for i in found if i.name == root or i.name.startswith(root + ".")]
            for module, found in imports.items()}


def cycles(imports: dict[str, list[Import]]) -> list[list[str]]:
    """Every import circle: strongly connected groups of modules (Tarjan), each sorted."""
    graph = {module: sorted({i.name for i in found if i.name in imports})
             for module, found in inside(imports).items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph[module]:
                groups.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return sorted(groups)


def upward_imports(imports: dict[str, list[Import]]) -> list[str]:
    """Imports from a higher layer, or between the two side-by-side outputs (live, files)."""
    problems = []
    for module, found in inside(imports).items():
        rank, name = layer(module)
        for target in found:
            target_rank, target_name = layer(target.name)
            if target_rank > rank or (target_rank == rank < TOP and target_name != name):
                problems.append(f"{module} (line {target.line}, layer {name}) imports {target.name} "
                                f"(layer {target_name})")
    return sorted(set(problems))


def product_imports_of_tools(imports: dict[str, list[Import]]) -> list[str]:
    """Product modules (everything but tools and commands) importing demo.tools."""
    return sorted({f"{module} (line {target.line}) imports {target.name}"
                   for module, found in inside(imports).items() if not module.startswith(TOOLS_ALLOWED)
                   for target in found if target.name.startswith("demo.tools")})


def foreign_imports(imports: dict[str, list[Import]]) -> list[str]:
    """Modules importing mediapipe or ctypes other than the one each is allowed in."""
    return sorted({f"{module} (line {target.line}) imports {target.name}; only {allowed} may"
                   for module, found in imports.items() for target in found
                   for dependency, allowed in ONLY_IMPORTER.items()
                   if target.name.split(".")[0] == dependency and module != allowed})


def private_reaches(root: Path) -> list[str]:
    """Reaches past MediaPipe's public Python API: a private part of mediapipe imported, an
    underscore attribute of anything but a module's own objects (``self``, ``cls``) in a module that
    imports mediapipe, and ``_lib`` (where a ctypes wrapper keeps its C library) anywhere."""
    problems = set()
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        tree = ast.parse(path.read_text(), str(path))
        names = [(alias.name, node.lineno) for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names]
        names += [(f"{node.module}.{alias.name}", node.lineno) for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and node.module for alias in node.names]
        from_mediapipe = [(name, line) for name, line in names if name.split(".")[0] == "mediapipe"]
        for name, line in from_mediapipe:
            if any(part.startswith("_") for part in name.split(".")):
                problems.add(f"{module} (line {line}) imports {name}, a private part of mediapipe")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                attribute, owner = node.attr, node.value
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id in ("getattr", "hasattr", "setattr") and len(node.args) > 1
                  and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
                attribute, owner = node.args[1].value, node.args[0]
            else:
                continue
            private = attribute.startswith("_") and not attribute.startswith("__")
            own = isinstance(owner, ast.Name) and owner.id in ("self", "cls")
            if attribute == "_lib" or (private and from_mediapipe and not own):
                problems.add(f"{module} (line {node.lineno}) reaches for {attribute}")
    return sorted(problems)


@pytest.fixture(scope="module")
def package() -> dict[str, list[Import]]:
    return read_imports(PACKAGE)


# ---- The package -------------------------------------------------------------------------------

def test_every_module_sits_in_a_layer(package):
    strays = [m for m in package if layer(m)[0] == TOP and m not in TOP_MODULES]
    assert not strays, f"modules outside every layer (add them to a subpackage, or to LAYERS): {strays}"
    assert set(LAYERS) == {m.split(".")[1] for m in package if m.count(".") == 1 and layer(m)[0] < TOP}


def test_no_import_circle(package):
    assert cycles(package) == []


def test_no_module_imports_from_a_layer_above_it(package):
    assert upward_imports(package) == []


def test_no_product_module_imports_a_tool(package):
    assert product_imports_of_tools(package) == []


def test_mediapipe_and_ctypes_each_in_one_module_only(package):
    assert foreign_imports(package) == []


def test_mediapipe_is_used_through_its_public_api_only():
    assert private_reaches(PACKAGE) == []


def test_the_notebook_facades_give_the_perception_and_picture_modules_own_functions():
    from demo import hog
    from demo import landmarks as facade
    from demo.perception import hog as algorithm
    from demo.perception import landmarks, model
    from demo.picture import hogdraw

    for name in ("hog_reference", "Hog", "cell_histograms", "hog_features", "dominant_directions", "hog_cells",
                 "gradients"):
        assert getattr(hog, name) is getattr(algorithm, name), name
    for name in ("draw_arrows", "draw_shaded_arrows", "draw_glyphs", "draw_pixel_arrows", "patch_box"):
        assert getattr(hog, name) is getattr(hogdraw, name), name
    for name in ("FaceMesh", "Face", "connections"):
        assert getattr(facade, name) is getattr(landmarks, name), name
    for name in ("ModelError", "load_model"):
        assert getattr(facade, name) is getattr(model, name), name


# ---- The checks themselves catch what they are for --------------------------------------------

def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "demo"


def test_the_checks_find_a_lazy_circle_an_upward_step_a_tool_and_a_stray_mediapipe(tmp_path):
    root = write(tmp_path, {
        "demo/__init__.py": "",
        "demo/base/__init__.py": "",
        "demo/base/offline.py": "import ctypes\n",
        "demo/picture/__init__.py": "",
        "demo/picture/draw.py": "def f():\n    from demo.picture import stages\n",  # lazy, inside a function
        "demo/picture/stages.py": "from demo.picture.draw import f\nfrom . import draw\n",
        "demo/perception/__init__.py": "",
        "demo/perception/align.py": "import mediapipe.tasks\nfrom demo.picture.draw import f\n",
        "demo/live/__init__.py": "",
        "demo/live/app.py": "from demo.files.render import g\n",
        "demo/files/__init__.py": "",
        "demo/files/render.py": "def g():\n    import demo.tools.soak\n",
        "demo/tools/__init__.py": "",
        "demo/tools/soak.py": "import ctypes\nfrom demo.live.app import run\n",
    })
    found = read_imports(root)
    assert cycles(found) == [["demo.files.render", "demo.live.app", "demo.tools.soak"],
                             ["demo.picture.draw", "demo.picture.stages"]]
    assert upward_imports(found) == [
        "demo.files.render (line 2, layer files) imports demo.tools.soak (layer tools)",
        "demo.live.app (line 1, layer live) imports demo.files.render (layer files)",
        "demo.perception.align (line 2, layer perception) imports demo.picture.draw (layer picture)",
    ]
    assert product_imports_of_tools(found) == ["demo.files.render (line 2) imports demo.tools.soak"]
    assert foreign_imports(found) == [
        "demo.perception.align (line 1) imports mediapipe.tasks; only demo.perception.landmarks may",
        "demo.tools.soak (line 1) imports ctypes; only demo.base.offline may",
    ]


def test_the_check_finds_private_mediapipe_and_a_c_library_reached_for(tmp_path):
    root = write(tmp_path, {
        "demo/__init__.py": "",
        "demo/perception/__init__.py": "",
        "demo/perception/landmarks.py": (
            "from mediapipe.tasks.python import vision\n"
            "from mediapipe.tasks.python.core import _bindings\n"
            "class Mesh:\n"
            "    def call(self, task, image):\n"
            "        self._task = task\n"  # its own attribute: fine
            "        return task._handle, getattr(image, '_image_ptr', None), image.__class__\n"),
        "demo/tools/__init__.py": "",
        "demo/tools/bench_live.py": "def peer(landmarker):\n    return landmarker._runner._lib\n",
        "demo/picture/__init__.py": "",
        "demo/picture/draw.py": "def f(cache):\n    return cache._items\n",  # no mediapipe here: fine
    })
    assert private_reaches(root) == [
        "demo.perception.landmarks (line 2) imports mediapipe.tasks.python.core._bindings, a private part "
        "of mediapipe",
        "demo.perception.landmarks (line 6) reaches for _handle",
        "demo.perception.landmarks (line 6) reaches for _image_ptr",
        "demo.tools.bench_live (line 2) reaches for _lib",
    ]
