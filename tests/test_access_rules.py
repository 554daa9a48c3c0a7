"""Every Store method says who may call it (store/rules.py), and the ScopedStore follows what it
says: a method without a rule is closed, and a rule the ScopedStore answers itself has its
method."""

from __future__ import annotations

import inspect

import pytest

from collab_assess.access.identity import Caller
from collab_assess.access.scoped_store import AccessDenied, ScopedStore
from collab_assess.store import RoundFilter, Store
from collab_assess.store.grants import Grant, Role
from collab_assess.store.rules import Scope, rule_of

PUBLIC = sorted(name for name, member in inspect.getmembers(Store)
                if not name.startswith("_") and callable(member))
EVERY_ROUND = RoundFilter()  # a filter's default value (frozen, so one can be shared)


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_store_method_declares_who_may_call_it(name):
    rule = rule_of(getattr(Store, name))
    assert rule is not None, f"Store.{name} has no access rule: add one from store/rules.py"
    if rule.argument and rule.scope not in (Scope.OWN_ROWS,):
        parameters = inspect.signature(getattr(Store, name)).parameters
        assert rule.argument in parameters, f"Store.{name}'s rule names '{rule.argument}'"


@pytest.mark.parametrize("name", [n for n in PUBLIC
                                  if rule_of(getattr(Store, n)).scope is Scope.CALLER])
def test_a_method_the_scoped_store_answers_itself_is_defined_there(name):
    assert name in vars(ScopedStore), f"ScopedStore must define {name} (its rule says so)"


def test_the_scoped_store_defines_only_methods_whose_rule_says_so():
    for name, member in vars(ScopedStore).items():
        if name.startswith("_") or not callable(member) or not hasattr(Store, name):
            continue
        assert rule_of(getattr(Store, name)).scope is Scope.CALLER, name


def test_administrators_tools_are_refused_to_a_lead(store):
    lead = ScopedStore(store, Caller.signed_in_as("l@x.org", (Grant(Role.LEAD, 1),)),
                       clock=lambda: 0.0)
    for name in PUBLIC:
        if rule_of(getattr(Store, name)).scope is Scope.ADMIN:
            with pytest.raises(AccessDenied):
                getattr(lead, name)


def test_a_filter_left_to_its_default_is_narrowed_too(store, monkeypatch):
    """A future method across collaboratives whose filter has a default must not fail open."""
    seen = []
    regional = ScopedStore(store, Caller.signed_in_as("r@x.org", (Grant(
        Role.REGIONAL, region="London"),)), clock=lambda: 0.0)
    original = Store.stage_counts

    def stage_counts(self, selection: RoundFilter = EVERY_ROUND):
        seen.append(selection)
        return original(self, selection)

    stage_counts.__access_rule__ = rule_of(original)  # type: ignore[attr-defined]
    monkeypatch.setattr(Store, "stage_counts", stage_counts)
    regional.stage_counts()
    assert seen and seen[0].only_collaborative_ids == (-1,)  # London holds none here


def test_the_store_view_lists_every_method_a_non_administrator_may_call():
    from collab_assess.store.view import StoreView

    offered = {name for name in PUBLIC if rule_of(getattr(Store, name)).scope is not Scope.ADMIN}
    listed = {name for name in vars(StoreView) if not name.startswith("_")}
    assert listed == offered
    for name in listed:
        wanted = list(inspect.signature(getattr(Store, name)).parameters)
        assert list(inspect.signature(getattr(StoreView, name)).parameters) == wanted, name
