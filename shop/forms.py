from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from shop.services.orders import ShippingAddress


class AddToCartForm(forms.Form):
    size = forms.CharField(required=False, max_length=20)
    quantity = forms.CharField(required=False, max_length=40)  # validated by the cart service, one rule set


class CartLineForm(forms.Form):
    variant_id = forms.CharField(max_length=19)
    quantity = forms.CharField(required=False, max_length=40)


class CheckoutForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address_line1 = forms.CharField(label="Address", max_length=200,
                                    widget=forms.TextInput(attrs={"autocomplete": "address-line1"}))
    address_line2 = forms.CharField(label="Apartment, suite, floor (optional)", max_length=200, required=False,
                                    widget=forms.TextInput(attrs={"autocomplete": "address-line2"}))
    city = forms.CharField(label="Town or city", max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    postcode = forms.CharField(label="Postcode / ZIP", max_length=20,
                               widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    country = forms.CharField(label="Country", max_length=100,
                              widget=forms.TextInput(attrs={"autocomplete": "country-name"}))

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise forms.ValidationError("Please enter your name.")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("address_line1", "address_line2", "city", "postcode", "country"):
            if isinstance(data.get(name), str):
                data[name] = " ".join(data[name].split())
        return data

    def shipping(self) -> ShippingAddress:
        d = self.cleaned_data
        return ShippingAddress(line1=d["address_line1"], line2=d["address_line2"], city=d["city"],
                               postcode=d["postcode"], country=d["country"])


MAX_LINE_QUANTITY = settings.SHOP_MAX_LINE_QUANTITY
