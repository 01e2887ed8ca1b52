"""Post an admin change form back as the browser would: every field (and every inline) with its shown value."""
from __future__ import annotations

from typing import Any


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value is False:
        return
    data[key] = "on" if value is True else value


def change_form_data(response: Any) -> dict[str, Any]:
    """The POST body the change page `response` (a GET of /admin/<app>/<model>/<pk>/change/) would send unedited."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, name, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            _put(data, f"{formset.prefix}-{name}", formset.management_form[name].value())
        for sub in formset.forms:
            for name in sub.fields:
                _put(data, sub.add_prefix(name), sub[name].value())
    return data
