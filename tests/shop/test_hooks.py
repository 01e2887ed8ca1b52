"""shop.services.on_products_changed: other apps hear about catalogue changes after commit, never before."""
from __future__ import annotations

import pytest
from django.db import transaction

from shop.services import hooks, on_products_changed, products_changed_notify

pytestmark = pytest.mark.django_db


def test_callbacks_run_after_commit_with_sorted_unique_ids(hook_calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            products_changed_notify(catalog_ids=[3, 1, 3, 2])
            assert hook_calls == []  # not before the commit
    assert hook_calls == [[1, 2, 3]]


def test_nothing_is_sent_when_the_transaction_rolls_back(hook_calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                products_changed_notify(catalog_ids=[1])
                raise RuntimeError("import failed")
    assert hook_calls == []


def test_registering_twice_is_a_no_op_and_a_failing_callback_does_not_stop_the_others(
    hook_calls, django_capture_on_commit_callbacks, caplog
):
    def broken(*, catalog_ids: list[int]) -> None:
        raise ValueError("index offline")

    on_products_changed(broken)
    on_products_changed(broken)
    assert hooks.products_changed_callbacks().count(broken) == 1
    with django_capture_on_commit_callbacks(execute=True):
        products_changed_notify(catalog_ids=[7])
    assert hook_calls == [[7]]
    assert "products-changed callback" in caplog.text


def test_empty_change_sends_nothing(hook_calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        products_changed_notify(catalog_ids=[])
    assert hook_calls == []
