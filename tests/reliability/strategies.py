"""Hypothesis strategies for hostile input, shared by the fuzz suites."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded so the whole reliability suite stays within a few minutes per database pass. A deeper run:
# TWINSHOP_FUZZ_SCALE=10 multiplies every budget (the case counts are printed at the end of the run).
SCALE = max(0.1, float(os.environ.get("TWINSHOP_FUZZ_SCALE", "1") or 1))


def _n(base: int) -> int:
    return max(5, int(base * SCALE))


FUZZ = settings(
    max_examples=_n(40), deadline=None, derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)
FUZZ_SMALL = settings(FUZZ, max_examples=_n(25))
FUZZ_LARGE = settings(FUZZ, max_examples=_n(80))

NASTY_STRINGS: list[str] = [
    "", " ", "\x00", "a\x00b", "\r\n", "\t", "\u202e", "\ufeff", "\u200b", "🙂", "𝕏", "ß", "İ", "\u0301",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "{{ 7*7 }}",
    "{% debug %}", "${7*7}", "' OR 1=1 --", "\" OR \"\"=\"", "; DROP TABLE shop_product; --", "%00", "%2e%2e%2f",
    "../../../../etc/passwd", "..\\..\\windows\\win.ini", "=HYPERLINK(\"http://evil\")", "+1", "-1", "@SUM(1)",
    "0", "-0", "00", "1e309", "-1e309", "NaN", "Infinity", "-Infinity", "0x10", "9" * 40, "-" + "9" * 40,
    "1.00000000000000000001", "1,5", "١٢٣", "²", "\u00a0", "null", "None", "true", "[]", "{}", "A" * 5000,
]

hostile_text = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=5),
                               st.dictionaries(st.text(max_size=10), children, max_size=5)),
    max_leaves=15,
)
