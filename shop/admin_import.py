"""Admin CSV import: upload -> preview (dry run: what would be created/updated/unchanged, rejected rows
with line/field/reason) -> confirm -> the same catalog_import service, for real.

The uploaded file is kept under DATA_DIR/imports/<random token> between preview and confirm; the token
is remembered in the merchandiser's session, so a confirm can only import what that person previewed.
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from shop.models import Product
from shop.services import CatalogImportError, catalog_import

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREVIEW_ROWS = 200
SESSION_KEY = "catalog_import_tokens"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


# (column, required, what it holds): the import page shows this table, so the format has one home here.
FORMAT_COLUMNS: tuple[tuple[str, bool, str], ...] = (
    ("id", True, "the catalogue id, a whole number; it matches rows to products (new ids are created)"),
    ("name", True, "the product name, up to 255 characters; the brand is read from it unless a brand column says"),
    ("gender", True, "Men, Women, Boys, Girls or Unisex"),
    ("masterCategory", True, "e.g. Apparel, Footwear, Accessories"),
    ("subCategory", True, "e.g. Topwear, Shoes, Bags"),
    ("articleType", True, "e.g. Tshirts, Casual Shoes, Handbags"),
    ("baseColour", True, "e.g. Navy Blue (may be empty)"),
    ("season", True, "Spring, Summer, Fall or Winter (may be empty)"),
    ("year", True, "e.g. 2012 (may be empty)"),
    ("usage", True, "the occasion, e.g. Casual, Formal, Sports (may be empty)"),
    ("price", True, "e.g. 49.99: at least 0, at most 2 decimals"),
    ("currency", True, "the shop's currency, e.g. USD"),
    ("sizes", True, "sizes separated by |, e.g. S|M|L; empty for one size"),
    ("stock", True, "a total spread over the sizes (10), or one count per size in the same order (5|7|3)"),
    ("brand", False, "optional: the brand, when the name does not start with it"),
)
FORMAT_EXAMPLE = (
    "id,name,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,price,currency,sizes,stock\n"
    "15970,Turtle Check Men Navy Blue Shirt,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,39.99,USD,S|M|L,5|7|3"
)


class CatalogUploadForm(forms.Form):
    file = forms.FileField(
        label="Catalogue file (.csv or .csv.gz)",
        help_text="A header row, then one product per row; the format and an example are shown above.",
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        if not f.name.lower().endswith((".csv", ".csv.gz", ".gz", ".txt")):
            raise forms.ValidationError("Upload a .csv or .csv.gz file.")
        return f


def _upload_dir() -> Path:
    d = Path(settings.DATA_DIR) / "imports"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _stash(request: HttpRequest, upload: Any) -> str:
    token = secrets.token_urlsafe(24)
    with (_upload_dir() / token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    tokens = [t for t in request.session.get(SESSION_KEY, []) if _TOKEN_RE.match(t)][-9:]
    request.session[SESSION_KEY] = [*tokens, token]
    request.session[f"{SESSION_KEY}:{token}"] = upload.name[:200]
    return token


def _stashed(request: HttpRequest, token: str) -> Path | None:
    if not _TOKEN_RE.match(token or "") or token not in request.session.get(SESSION_KEY, []):
        return None
    path = _upload_dir() / token
    return path if path.is_file() else None


def _forget(request: HttpRequest, token: str) -> None:
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != token]
    request.session.pop(f"{SESSION_KEY}:{token}", None)
    (_upload_dir() / token).unlink(missing_ok=True)


def catalog_import_view(request: HttpRequest, admin_site: AdminSite) -> HttpResponse:
    ctx: dict[str, Any] = {
        **admin_site.each_context(request),
        "opts": Product._meta,
        "title": "Import catalogue",
        "preview_rows": PREVIEW_ROWS,
        "columns": FORMAT_COLUMNS,
        "example": FORMAT_EXAMPLE,
    }
    if request.method == "POST" and request.POST.get("confirm"):
        token = request.POST.get("token", "")
        path = _stashed(request, token)
        if path is None:
            messages.error(request, "That preview has expired or was already imported. Upload the file again.")
            return redirect("admin:shop_product_import")
        name = request.session.get(f"{SESSION_KEY}:{token}", "upload")
        try:
            report = catalog_import(path=path, source_name=name, user=request.user)
        except CatalogImportError as exc:
            messages.error(request, f"Nothing was imported: {exc}")
            return redirect("admin:shop_product_import")
        finally:
            _forget(request, token)
        level = messages.SUCCESS if not report.errors else messages.WARNING
        messages.add_message(request, level, report.summary())
        return redirect("admin:shop_product_changelist")

    form = CatalogUploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = _stash(request, upload)
        try:
            report = catalog_import(path=_upload_dir() / token, dry_run=True, source_name=upload.name)
        except CatalogImportError as exc:
            _forget(request, token)
            form.add_error("file", f"This file can't be imported: {exc}")
        else:
            ctx.update(
                {
                    "report": report,
                    "token": token,
                    "creates": [c for c in report.changes if c.action == "create"][:PREVIEW_ROWS],
                    "updates": [c for c in report.changes if c.action == "update"][:PREVIEW_ROWS],
                    "errors": report.errors[:500],
                    "nothing_to_do": not report.created and not report.updated,
                }
            )
            return TemplateResponse(request, "admin/shop/product/import_preview.html", ctx)
    ctx["form"] = form
    return TemplateResponse(request, "admin/shop/product/import.html", ctx, status=400 if form.errors else 200)
