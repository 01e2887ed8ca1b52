"""No aria-describedby (or aria-labelledby, aria-controls) points at an id the page does not have, on
every page the access-matrix test visits, as every role."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.reliability.conftest import ROLES, World
from tests.reliability.test_access_matrix import BROWSER_UA, GET_MATRIX, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
REFERENCING = ("aria-describedby", "aria-labelledby", "aria-controls")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERENCING and value:
                self.refs.extend((tag, name, ref) for ref in value.split())


def dangling(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return [f"<{tag} {attr}={ref!r}>" for tag, attr, ref in parser.refs if ref not in parser.ids]


def test_the_checker_finds_a_dangling_reference():
    assert dangling('<input aria-describedby="a_help b"><p id="b"></p>') == ["<input aria-describedby='a_help'>"]


@pytest.mark.parametrize("role", ROLES)
def test_no_aria_reference_points_at_a_missing_id(world: World, role: str) -> None:  # noqa: F811
    client = world.client(role)
    wrong = []
    for label, url_fn, _ in GET_MATRIX:
        response = client.get(url_fn(world), HTTP_USER_AGENT=BROWSER_UA)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            wrong += [f"{label}: {ref}" for ref in dangling(response.content.decode())]
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
