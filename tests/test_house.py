"""The shape of the house: `bpcourse` holds what a learner imports and reads, `coursetools` the course's
own tooling; the library never imports the tooling, has no import cycle and no import hidden in a
function, and its modules use each other's public names only. Kept out of the mutation-test
selection: these tests read the source files."""
import ast
import subprocess
import sys

import pytest

from tests.conftest import ROOT

LIBRARY = ROOT / "bpcourse"
TOOLING = ("coursetools", "nbgrader", "jupyterhub", "websocket", "nbconvert", "nbclient", "nbformat", "subprocess")


def modules(package):
    """{dotted module name: parsed source} for every module of ``package`` (a folder under ROOT)."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def imported(name, node, is_package):
    """The absolute names an import statement in module ``name`` brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    base = name.split(".")
    base = base[:len(base) - node.level + (1 if is_package else 0)]
    module = ".".join(base + ([node.module] if node.module else []))
    package = [module] if node.module else []  # `from . import sibling` imports the sibling module, not the package's own names
    return package + [f"{module}.{alias.name}" for alias in node.names]


def imports(package):
    """{module: [(line, imported name, at module level?)]} for every module of ``package``."""
    result = {}
    for name, (path, tree) in modules(package).items():
        top = {id(node) for node in tree.body} | {id(n) for node in tree.body if isinstance(node, ast.If) for n in node.body}
        result[name] = [(node.lineno, target, id(node) in top)
                        for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                        for target in imported(name, node, path.name == "__init__.py")]
    return result


def test_the_library_never_imports_the_course_tooling():
    found = [f"{module}:{line} imports {target}" for module, rows in imports("bpcourse").items()
             for line, target, _ in rows if target.split(".")[0] in TOOLING]
    assert found == []


def test_the_library_modules_import_each_other_at_the_top_and_without_a_cycle():
    """An import of a course module inside a function is how a cycle hides; none is allowed. The
    module-level imports between the library's modules form no cycle."""
    graph = {module: set() for module in modules("bpcourse")}
    hidden = []
    for module, rows in imports("bpcourse").items():
        for line, target, top in rows:
            if target in graph and target != module:
                (graph[module].add(target) if top else hidden.append(f"{module}:{line} {target}"))
    assert hidden == []
    done, path = set(), []

    def visit(module):
        assert module not in path, f"import cycle: {' → '.join(path[path.index(module):] + [module])}"
        if module not in done:
            path.append(module)
            for target in graph[module]:
                visit(target)
            path.pop()
            done.add(module)

    for module in graph:
        visit(module)


@pytest.mark.parametrize("module, heavy", [("bpcourse.nn", ("sympy", "matplotlib", "ipywidgets", "tqdm", "sklearn", "IPython")),
                                           ("bpcourse", ("sympy", "matplotlib", "ipywidgets", "tqdm", "sklearn"))])
def test_the_numeric_core_imports_numpy_and_nothing_heavier(module, heavy):
    code = f"import sys, {module}; print(' '.join(sorted(m for m in {heavy!r} if m in sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


@pytest.mark.parametrize("package", ["bpcourse", "coursetools"])
def test_no_module_reaches_into_another_objects_private_names(package):
    """Only ``self``/``cls`` (and a copy of ``self`` being built) touch private attributes; the
    exceptions are other libraries' protocols: SymPy printers, IPython display, namedtuple's _replace,
    nbgrader's ClearSolutions hook, the autograd ``Value`` protocol that notebook 07's learners write
    themselves, and ``os._exit`` (a hub kernel out of CPU time ends without the clean-up a hung loop would block)."""
    protocols = {"_print", "_module_format", "_repr_mimebundle_", "_replace", "_replace_solution_region", "_parents", "_backward",
                 "_exit"}
    found = []
    for module, (_, tree) in modules(package).items():
        for node in ast.walk(tree):
            names = [node.attr] if isinstance(node, ast.Attribute) and not (
                isinstance(node.value, ast.Name) and node.value.id in ("self", "cls", "clone")) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.ImportFrom) else []
            found += [f"{module}:{node.lineno} {name}" for name in names
                      if name.startswith("_") and not name.startswith("__") and name not in protocols]
    assert found == []
