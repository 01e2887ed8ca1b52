"""Forms for the consent workflow. Every id a form accepts is checked against what the user may touch."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from shop.models import ArticleType, Brand, MasterCategory

from .models import (
    INNERWEAR_ARTICLE_TYPES,
    MIN_PURPOSE_LENGTH,
    Agency,
    BrandScope,
    Channel,
    ConsentGrant,
    DigitalTwin,
    GrantStatus,
)

CURRENCIES = [("USD", "USD"), ("EUR", "EUR"), ("GBP", "GBP"), ("INR", "INR")]


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").replace(";", ",").split(",") if part.strip()]


class TwinChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DigitalTwin) -> str:
        return f"{obj.name} — {obj.talent.display_name}"


class ConsentProposalForm(forms.Form):
    twin = TwinChoiceField(queryset=DigitalTwin.objects.none(), label="AI twin")
    brand_scope = forms.ChoiceField(choices=BrandScope.choices, initial=BrandScope.BRAND, label="Who pays",
                                    widget=forms.RadioSelect, required=False)
    brand = forms.ModelChoiceField(queryset=Brand.objects.order_by("name"), label="Brand (who pays)", required=False,
                                   help_text="Only for a single-brand consent.",
                                   widget=forms.Select(attrs={"data-filterable": "brand"}))
    listed_brands = forms.CharField(required=False, max_length=20000, label="Brands covered (listed set)",
                                    help_text="Only for the shop with a listed set: brand names, comma separated.")
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False,
                                    label="Proposing as agency", help_text="Leave empty to propose as the shop.")
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), min_length=MIN_PURPOSE_LENGTH, max_length=2000,
        help_text="Say specifically where and how the twin will be shown. A vague replica clause is void.")
    channels = forms.MultipleChoiceField(choices=Channel.choices, widget=forms.CheckboxSelectMultiple)
    allowed_master_categories = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Allowed master categories", help_text="None ticked = any category.")
    exclude_innerwear = forms.BooleanField(
        required=False, initial=True, label="Exclude innerwear and swimwear",
        help_text=", ".join(INNERWEAR_ARTICLE_TYPES))
    excluded_article_types = forms.CharField(
        required=False, max_length=1000, label="Other excluded article types", help_text="Comma separated, e.g. Sarees, Kurtas")
    territories = forms.CharField(max_length=400, initial="*", help_text="Two-letter ISO codes, comma separated, or * for worldwide.")
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    rate_per_view = forms.DecimalField(min_value=Decimal("0.0001"), max_value=Decimal("100"), max_digits=10,
                                       decimal_places=4, label="Rate per billable view")
    currency = forms.ChoiceField(choices=CURRENCIES, initial="USD")
    view_cap = forms.IntegerField(required=False, min_value=1, max_value=2_000_000_000,
                                  help_text="Most billable views; empty for no cap.")

    def __init__(self, *args, twins, agencies, allow_shop: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # self.fields is typed by the base Field; these are the ModelChoiceFields declared above.
        cast(forms.ModelChoiceField, self.fields["twin"]).queryset = twins
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        self.fields["agency"].required = not allow_shop
        if not allow_shop:
            self.fields["agency"].help_text = ""
        cast(forms.ChoiceField, self.fields["allowed_master_categories"]).choices = [
            (name, name) for name in MasterCategory.objects.order_by("name").values_list("name", flat=True)]
        today = timezone.now().date()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = today + timedelta(days=365)

    def clean_territories(self) -> list[str]:
        codes = [c.upper() for c in _split(self.cleaned_data["territories"])]
        if not codes or any(not (c == "*" or (len(c) == 2 and c.isascii() and c.isalpha())) for c in codes):
            raise forms.ValidationError("Give two-letter ISO country codes, or * for worldwide.")
        return codes

    def clean_excluded_article_types(self) -> list[str]:
        names = _split(self.cleaned_data["excluded_article_types"])
        known = set(ArticleType.objects.filter(name__in=names).values_list("name", flat=True))
        unknown = [n for n in names if n not in known]
        if unknown:
            raise forms.ValidationError(f"Unknown article types: {', '.join(unknown)}")
        return names

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", "The consent must end after it starts.")
        twin, brand = data.get("twin"), data.get("brand")
        single_brand = (data.get("brand_scope") or BrandScope.BRAND) == BrandScope.BRAND
        if twin is not None and brand is not None and single_brand:
            self._refuse_duplicate(twin, brand)
        return data

    def _refuse_duplicate(self, twin: DigitalTwin, brand: Brand) -> None:
        """One live consent per twin and brand: a second is an amendment of the first, or a wait."""
        existing = (ConsentGrant.objects.filter(twin=twin, brand=brand, brand_scope=BrandScope.BRAND, status__in=[GrantStatus.PROPOSED, GrantStatus.SIGNED])
                    .order_by("-version").first())
        if existing is None:
            return
        if existing.status == GrantStatus.SIGNED:
            message = format_html(
                'There is already a signed consent <a href="{}">#{}</a> for {} and {}: amend it instead.',
                reverse("licensing:consent_amend", args=[existing.pk]), existing.pk, twin.name, brand.name)
        else:
            message = format_html(
                'Consent <a href="{}">#{}</a> for {} and {} is already waiting for the talent\'s signature.',
                reverse("licensing:consent_proposal", args=[existing.pk]), existing.pk, twin.name, brand.name)
        self.add_error("brand", message)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        excluded = list(d["excluded_article_types"])
        if d["exclude_innerwear"]:
            excluded += list(INNERWEAR_ARTICLE_TYPES)
        return {
            "twin": d.get("twin"), "brand": d.get("brand"), "brand_scope": d.get("brand_scope") or BrandScope.BRAND,
            "listed_brands": _split(d.get("listed_brands", "")), "agency": d["agency"], "purpose": d["purpose"],
            "channels": d["channels"], "territories": d["territories"],
            "allowed_master_categories": d["allowed_master_categories"], "excluded_article_types": excluded,
            "valid_from": datetime.combine(d["valid_from"], time.min, tzinfo=UTC),
            "valid_until": datetime.combine(d["valid_until"], time.min, tzinfo=UTC),
            "rate_per_view": d["rate_per_view"], "currency": d["currency"], "view_cap": d["view_cap"],
        }


class ConsentSignForm(forms.Form):
    typed_name = forms.CharField(max_length=120, label="Type your full name to sign",
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    terms_sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    agree = forms.BooleanField(label="I have read these terms and consent to this use of my digital replica.")


# The months statements exist for: none before the shop, and the month after 9999-12 is no date at all.
STATEMENT_YEARS = range(2000, 2101)


class StatementMonthForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)

    def clean_month(self) -> date | None:
        value = self.cleaned_data.get("month")
        if not value:
            return None
        year, month = (int(part) for part in value.split("-"))
        if year not in STATEMENT_YEARS:
            raise ValidationError(f"Months from {STATEMENT_YEARS[0]} to {STATEMENT_YEARS[-1]} only.")
        return date(year, month, 1)


class ConsentAmendForm(ConsentProposalForm):
    """New terms for a signed consent: same twin and brand, everything else may change."""

    def __init__(self, *args, grant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("twin", "brand", "brand_scope", "listed_brands"):
            del self.fields[name]
        if not self.is_bound:
            innerwear = set(INNERWEAR_ARTICLE_TYPES)
            self.initial.update({
                "purpose": grant.purpose, "channels": grant.channels,
                "allowed_master_categories": grant.allowed_master_categories,
                "exclude_innerwear": innerwear <= set(grant.excluded_article_types),
                "excluded_article_types": ", ".join(t for t in grant.excluded_article_types if t not in innerwear),
                "territories": ", ".join(grant.territories), "valid_from": grant.valid_from.date(),
                "valid_until": grant.valid_until.date(), "rate_per_view": grant.rate_per_view,
                "currency": grant.currency, "view_cap": grant.view_cap,
            })

    def service_kwargs(self) -> dict:
        kwargs = super().service_kwargs()
        del kwargs["twin"], kwargs["brand"], kwargs["brand_scope"], kwargs["listed_brands"]
        return kwargs
