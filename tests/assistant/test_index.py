"""The index file, the embedding cache and the commands."""
from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assistant.models import Conversation
from assistant.retrieval import index as index_mod
from assistant.retrieval.embeddings import EmbeddingCache
from shop.models import Product

pytestmark = pytest.mark.django_db


def test_a_second_build_changes_nothing_and_a_renamed_product_embeds_only_itself(catalogue):  # type: ignore[no-untyped-def]
    first = index_mod.read_manifest()
    again = index_mod.index_build()
    assert again.unchanged and again.embedded == 0 and again.version == first["version"]

    tee = Product.objects.get(name="Nike Men Blue Tshirt")
    Product.objects.filter(pk=tee.pk).update(name=f"Nike Men Blue Tshirt Edition {tee.pk}-{first['version']}")
    report = index_mod.index_build()
    assert (report.unchanged, report.embedded, report.version) == (False, 1, first["version"] + 1)
    manifest = index_mod.read_manifest()
    assert manifest["products"] == Product.objects.count() and manifest["model"] == "all-MiniLM-L6-v2"
    assert (Path(index_mod.index_dir()) / manifest["file"]).exists()


def test_embedding_cache_survives_a_restart(assistant_settings, tmp_path):  # type: ignore[no-untyped-def]
    import numpy as np

    cache = EmbeddingCache(tmp_path)
    vectors = np.eye(3, 384, dtype=np.float32)
    cache.add(["a", "b", "c"], vectors)
    reopened = EmbeddingCache(tmp_path)
    assert reopened.missing(["a", "b", "c", "d"]) == ["d"]
    assert np.array_equal(reopened.get_many(["c", "a"]), vectors[[2, 0]])
    reopened.add(["d"], np.ones((1, 384), dtype=np.float32))
    reopened.compact()
    assert len(list((tmp_path / "embeddings-all-MiniLM-L6-v2").glob("chunk-*.json"))) == 1
    assert EmbeddingCache(tmp_path).missing(["a", "b", "c", "d"]) == []


def test_unpublishing_takes_effect_in_search_at_once(catalogue, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    from assistant.understanding.schema import Filters
    from shop.services import products_changed_notify

    jeans = Product.objects.get(name="Levis Men Blue Jeans")
    f = Filters(article_types=["Jeans"])
    assert index_mod.get_snapshot().mask(f).sum() == 1
    Product.objects.filter(pk=jeans.pk).update(is_published=False)
    with django_capture_on_commit_callbacks(execute=True):
        products_changed_notify(catalog_ids=[jeans.catalog_id])
    assert index_mod.get_snapshot().mask(f).sum() == 0


def test_evaluate_assistant_writes_results_and_leaves_no_trace(catalogue, tmp_path):  # type: ignore[no-untyped-def]
    src = tmp_path / "convs.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "a", "turns": ["men's watches", "not black"]}),
        json.dumps({"id": "b", "turns": ["girls frock"]}),
    ]) + "\n")
    out = tmp_path / "results.jsonl"
    call_command("evaluate_assistant", str(src), str(out), stdout=StringIO())
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    titan = Product.objects.get(name="Titan Men Steel Analog Watch").catalog_id
    frock = Product.objects.get(name="Gini Girls Pink Frock").catalog_id
    assert lines[0]["id"] == "a" and len(lines[0]["results"][0]) == 3 and lines[0]["results"][1] == [titan]
    assert lines[1] == {"id": "b", "results": [[frock]]}
    assert Conversation.objects.count() == 0


def test_evaluate_assistant_rejects_a_broken_file(catalogue, tmp_path):  # type: ignore[no-untyped-def]
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "x"}\n')
    with pytest.raises(CommandError, match="not a conversation"):
        call_command("evaluate_assistant", str(src), str(tmp_path / "r.jsonl"), stdout=StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("evaluate_assistant", str(tmp_path / "missing.jsonl"), str(tmp_path / "r.jsonl"))


def test_build_index_command_reports_and_is_idempotent(catalogue):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("build_index", "--no-onnx", stdout=out, stderr=StringIO())
    assert "up to date" in out.getvalue()
    assert Decimal("0") <= Product.objects.first().price
