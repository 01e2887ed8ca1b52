"""factory_boy factories shared by the whole suite. Each app's helpers add theirs below their heading."""
from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from shop.models import ArticleType, Brand, Colour, MasterCategory, Product, SubCategory, Variant

# --- accounts -----------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")


# --- shop ---------------------------------------------------------------------------------------


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("name",)

    name = "Twinshop"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class MasterCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MasterCategory
        django_get_or_create = ("name",)

    name = "Apparel"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SubCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubCategory
        django_get_or_create = ("master", "name")

    master = factory.SubFactory(MasterCategoryFactory)
    name = "Topwear"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ArticleTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleType
        django_get_or_create = ("name",)

    sub_category = factory.SubFactory(SubCategoryFactory)
    name = "Tshirts"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ColourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Colour
        django_get_or_create = ("name",)

    name = "Blue"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    hex = "#1f5fbf"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    catalog_id = factory.Sequence(lambda n: 900000 + n)
    name = factory.Sequence(lambda n: f"Test Tee {n}")
    brand = factory.SubFactory(BrandFactory)
    gender = "Men"
    article_type = factory.SubFactory(ArticleTypeFactory)
    colour = factory.SubFactory(ColourFactory)
    season = "Summer"
    year = 2015
    usage = "Casual"
    price = Decimal("19.99")
    currency = "USD"


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    size = "M"
    stock = 5
