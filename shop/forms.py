from __future__ import annotations

from django import forms
from django.conf import settings


class AddToCartForm(forms.Form):
    size = forms.CharField(required=False, max_length=20)
    quantity = forms.CharField(required=False, max_length=40)  # validated by the cart service, one rule set


class CartLineForm(forms.Form):
    variant_id = forms.CharField(max_length=19)
    quantity = forms.CharField(required=False, max_length=40)


class CheckoutForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(
        label="Delivery address", max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    )

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise forms.ValidationError("Please enter your name.")
        return value

    def clean_address(self) -> str:
        value = self.cleaned_data["address"].strip()
        if len(value) < 5:
            raise forms.ValidationError("Please enter a full delivery address.")
        return value


MAX_LINE_QUANTITY = settings.SHOP_MAX_LINE_QUANTITY
