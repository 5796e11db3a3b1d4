"""Hypothesis-driven input for every admin list's query string, every admin form
and the JSON autocomplete: no input is a server error (issue 15, point 5)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client as HttpClient
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db(databases="__all__")

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
LOOKUPS = ["", "__exact", "__in", "__gte", "__isnull", "__regex", "__contains", "__id"]
# Text with what breaks parsers: NUL, quotes, brackets, huge numbers, non-BMP.
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["(", "%00", "\x00", "'", '"', "9" * 40, "-1", "1e309", "😀", ""]),
)


def _field_keys(model) -> list[str]:
    keys = ["q", "o", "p", "e", "_popup", "_to_field", "all", "action"]
    for field in model._meta.get_fields():
        keys += [field.name + lookup for lookup in LOOKUPS]
    return keys


def _owner_http(owner) -> HttpClient:
    http = HttpClient(raise_request_exception=False)
    http.force_login(owner)
    return http


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_no_query_string_breaks_a_list(model, owner, practice):
    http = _owner_http(owner)
    try:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
    except NoReverseMatch:
        pytest.skip("no list")

    @given(st.dictionaries(st.sampled_from(_field_keys(model)), TEXT, max_size=4))
    def check(query):
        response = http.get(url, query)
        assert response.status_code < 500, (url, query)

    check()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_no_form_input_breaks_an_add_page(model, owner, practice):
    http = _owner_http(owner)
    try:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    except NoReverseMatch:
        pytest.skip("no add page")
    names = [f.name for f in model._meta.get_fields() if getattr(f, "editable", False)]

    @given(st.dictionaries(st.sampled_from([*names, "_save", "_continue"]), TEXT))
    def check(form):
        response = http.post(url, form)
        assert response.status_code < 500, (url, form)

    check()


@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "term": TEXT,
            "app_label": st.sampled_from(["dossiers", "clients", "x", ""]),
            "model_name": st.sampled_from(["trajectory", "client", "invoice", "x"]),
            "field_name": st.sampled_from(["client", "organisation", "coach", "x"]),
            "page": TEXT,
        },
    )
)
def test_no_input_breaks_the_autocomplete(owner, params):
    http = _owner_http(owner)
    response = http.get(reverse("admin:autocomplete"), params)
    assert response.status_code < 500, params
