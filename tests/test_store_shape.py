"""The Store is put together from record groups (one module each) that build on Database alone: none
overrides Database or another group, and none calls what another group defines, so the order they
are listed in Store's bases changes nothing, and the write gate and retry are always Database's."""

from __future__ import annotations

import ast
import inspect
import itertools

from collab_assess.store import Store
from collab_assess.store.database import Database

PARTS = [part for part in Store.__mro__ if part not in (Store, Database, object)]


def database_names() -> set[str]:
    """Database's methods and the attributes its __init__ sets."""
    init = ast.parse(inspect.getsource(Database.__init__).lstrip())
    instance = {node.attr for node in ast.walk(init) if isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name) and node.value.id == "self"}
    return set(dir(Database)) | instance


def own_and_inherited(part: type) -> set[str]:
    names: set[str] = set()
    for base in part.__mro__:
        if base in (Database, object):
            break
        names |= set(base.__dict__)
    return names


def used_on_self(part: type) -> set[str]:
    tree = ast.parse(inspect.getsource(part))
    return {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id == "self"}


def test_every_part_builds_on_database_and_its_own_bases_only():
    database = database_names()
    for part in PARTS:
        foreign = used_on_self(part) - own_and_inherited(part) - database
        assert not foreign, f"{part.__name__} uses {sorted(foreign)} from another part"


def test_no_part_overrides_database_or_another_part():
    database = set(vars(Database)) - {"__module__", "__doc__", "__init__", "__dict__",
                                      "__weakref__", "__qualname__", "__firstlineno__",
                                      "__static_attributes__", "__annotations__"}
    defined = {part: {name for name in vars(part) if not name.startswith("__")}
               for part in PARTS}
    for part, names in defined.items():
        assert not names & database, f"{part.__name__} overrides {sorted(names & database)}"
    for first, second in itertools.combinations(PARTS, 2):
        if issubclass(first, second) or issubclass(second, first):
            continue  # a part's explicit base (the bank snapshots three parts build on)
        shared = defined[first] & defined[second]
        assert not shared, f"{first.__name__} and {second.__name__} both define {sorted(shared)}"


def test_every_write_passes_the_one_gate_and_retry(store, monkeypatch):
    passed = []
    original = Database._write

    def counting(self, work):
        passed.append(work)
        return original(self, work)

    monkeypatch.setattr(Database, "_write", counting)
    from collab_assess.store.inputs import CollaborativeProfile

    store.create_collaborative(CollaborativeProfile(name="Gate"), "t")
    assert passed, "a write that did not go through Database._write"
