"""One public backprop: the modules use each other's public names only (issue: no module reaches
into another's private names). Kept out of the mutation-test selection: it reads the source files."""
import ast
import pathlib


def test_no_module_reaches_into_another_objects_private_names():
    """Only ``self``/``cls`` (and a copy of ``self`` being built) touch private attributes; the
    exceptions are other libraries' protocols: SymPy printers, IPython display, namedtuple's _replace, nbgrader's
    ClearSolutions hook, and the autograd ``Value`` protocol that notebook 07's learners write themselves."""
    protocols = {"_print", "_module_format", "_repr_mimebundle_", "_replace", "_replace_solution_region", "_parents", "_backward"}
    found = []
    for path in sorted((pathlib.Path(__file__).parent.parent / "bpcourse").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.attr] if isinstance(node, ast.Attribute) and not (
                isinstance(node.value, ast.Name) and node.value.id in ("self", "cls", "clone")) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.name}:{node.lineno} {name}" for name in names
                      if name.startswith("_") and not name.startswith("__") and name not in protocols]
    assert found == []
