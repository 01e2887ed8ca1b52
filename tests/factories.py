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
    password = factory.django.Password("pass-word-123")  # hashed at build: no second save


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


# --- licensing ----------------------------------------------------------------------------------

import datetime as _dt  # noqa: E402

from django.utils import timezone as _tz  # noqa: E402

from licensing.models import (  # noqa: E402
    Agency,
    ConsentEvent,
    ConsentGrant,
    DigitalTwin,
    GrantBrand,
    GrantStatus,
    Representation,
    Talent,
    TwinPose,
)
from licensing.services.consent import render_terms as _render_terms  # noqa: E402
from licensing.services.consent import terms_sha256 as _terms_sha256  # noqa: E402


class TalentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talent

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Talent {n}")
    gender_presentation = "feminine"
    monk_skin_tone = 5
    height_cm = 175
    body_shape = "straight"
    clothing_size = "M"
    shoe_size = 39
    chest_cm = 88
    waist_cm = 70
    hips_cm = 95
    hair_style = "long waves"
    hair_colour = "#3b2a20"


class DigitalTwinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigitalTwin

    talent = factory.SubFactory(TalentFactory)
    name = factory.LazyAttribute(lambda o: f"{o.talent.display_name} twin")
    slug = factory.Sequence(lambda n: f"twin-{n}")
    is_active = True


class TwinPoseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TwinPose

    twin = factory.SubFactory(DigitalTwinFactory)
    key = "front"
    label = "Front"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = "Northstar Models"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    commission_rate = Decimal("0.15")


class RepresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representation

    talent = factory.SubFactory(TalentFactory)
    agency = factory.SubFactory(AgencyFactory)
    start = factory.LazyFunction(lambda: _tz.now().date() - _dt.timedelta(days=365))
    end = factory.LazyFunction(lambda: _tz.now().date() + _dt.timedelta(days=365))


class ConsentGrantFactory(factory.django.DjangoModelFactory):
    """A signed grant (unless status says otherwise) with terms rendered and hashed like the service does, and
    the consent-event log the services would have written for that status (reconcile_ledger compares them)."""

    class Meta:
        model = ConsentGrant
        skip_postgeneration_save = True

    twin = factory.SubFactory(DigitalTwinFactory)
    brand_scope = "brand"
    # A shop-wide grant (brand_scope "shop_all" / "shop_listed") names no brand: pass brand=None.
    brand = factory.Maybe(factory.LazyAttribute(lambda o: o.brand_scope == "brand"),
                          yes_declaration=factory.SubFactory(BrandFactory), no_declaration=None)
    version = 1
    purpose = "Show the twin wearing the brand's products on product pages and in the shopping assistant."
    channels = factory.LazyFunction(lambda: ["storefront", "assistant", "marketing"])
    territories = factory.LazyFunction(lambda: ["*"])
    valid_from = factory.LazyFunction(lambda: _tz.now() - _dt.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: _tz.now() + _dt.timedelta(days=365))
    rate_per_view = Decimal("0.0500")
    currency = "USD"
    view_cap = None
    status = GrantStatus.SIGNED
    proposed_at = factory.LazyAttribute(lambda o: o.valid_from)
    signed_by_name = factory.LazyAttribute(lambda o: o.twin.talent.display_name if o.status != "proposed" else "")
    signed_at = factory.LazyAttribute(lambda o: o.valid_from if o.status != "proposed" else None)
    revoked_at = factory.LazyAttribute(lambda o: _tz.now() if o.status == "revoked" else None)
    terms_text = factory.LazyAttribute(
        lambda o: _render_terms(
            twin=o.twin, brand=o.brand, brand_scope=o.brand_scope, version=o.version, purpose=o.purpose,
            channels=o.channels,
            allowed_master_categories=o.allowed_master_categories, allowed_article_types=o.allowed_article_types,
            excluded_master_categories=o.excluded_master_categories, excluded_article_types=o.excluded_article_types,
            territories=o.territories, valid_from=o.valid_from, valid_until=o.valid_until,
            rate_per_view=o.rate_per_view, currency=o.currency, view_cap=o.view_cap,
        )
    )
    terms_sha256 = factory.LazyAttribute(lambda o: _terms_sha256(o.terms_text))
    allowed_master_categories = factory.LazyFunction(list)
    allowed_article_types = factory.LazyFunction(list)
    excluded_master_categories = factory.LazyFunction(list)
    excluded_article_types = factory.LazyFunction(list)

    @factory.post_generation
    def listed_brands(self, create, extracted, **kwargs):
        """ConsentGrantFactory(brand_scope="shop_listed", brand=None, listed_brands=[b1, b2])."""
        if create and extracted:
            GrantBrand.objects.bulk_create([GrantBrand(grant=self, brand=b) for b in extracted])

    @factory.post_generation
    def consent_log(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the instance
        if not create:
            return
        steps = [("proposed", obj.proposed_at)]
        if obj.signed_at is not None:
            steps.append(("signed", obj.signed_at))
        final = {"revoked": obj.revoked_at, "superseded": obj.superseded_at, "expired": obj.valid_until}
        if obj.status in final:
            steps.append((obj.status, final[obj.status] or _tz.now()))
        for kind, at in steps:
            ConsentEvent.objects.create(grant=obj, kind=kind, actor_label="factory", at=at,
                                        terms_sha256=obj.terms_sha256)


# --- assistant ----------------------------------------------------------------------------------


def assistant_catalogue_create() -> dict[str, list]:
    """A small but varied catalogue for assistant tests: every gender, several types, colour families and
    prices, sizes with and without stock. Returns the products by article type name."""
    from shop.models import Product

    specs = [
        # (name, gender, type, sub, master, colour, usage, price, sizes)
        ("Nike Men White Court Sneakers", "Men", "Casual Shoes", "Shoes", "Footwear", "White", "Casual", "59.99", ["40", "41", "42"]),
        ("Puma Men Blue Canvas Sneakers", "Men", "Casual Shoes", "Shoes", "Footwear", "Blue", "Casual", "34.99", ["41", "42"]),
        ("Puma Men Navy Low Tops", "Men", "Casual Shoes", "Shoes", "Footwear", "Navy Blue", "Casual", "44.99", ["42"]),
        ("Adidas Men Black Street Shoes", "Men", "Casual Shoes", "Shoes", "Footwear", "Black", "Casual", "24.99", ["40"]),
        ("Nike Women White Canvas Shoes", "Women", "Casual Shoes", "Shoes", "Footwear", "White", "Casual", "39.99", ["37", "38"]),
        ("Nike Women Red Runner", "Women", "Sports Shoes", "Shoes", "Footwear", "Red", "Sports", "79.99", ["37", "38"]),
        ("Asics Men Grey Running Shoes", "Men", "Sports Shoes", "Shoes", "Footwear", "Grey", "Sports", "89.99", ["42", "43"]),
        ("Clarks Men Brown Oxford", "Men", "Formal Shoes", "Shoes", "Footwear", "Brown", "Formal", "99.99", ["42"]),
        ("Titan Men Steel Analog Watch", "Men", "Watches", "Watches", "Accessories", "Silver", "Formal", "120.00", []),
        ("Fossil Men Black Chronograph Watch", "Men", "Watches", "Watches", "Accessories", "Black", "Casual", "149.00", []),
        ("Fastrack Women Pink Watch", "Women", "Watches", "Watches", "Accessories", "Pink", "Casual", "45.00", []),
        ("Unisex Black Digital Watch", "Unisex", "Watches", "Watches", "Accessories", "Black", "Sports", "30.00", []),
        ("Biba Women Maroon Dress", "Women", "Dresses", "Dress", "Apparel", "Maroon", "Casual", "49.99", ["S", "M", "L"]),
        ("Vero Moda Women Red Party Dress", "Women", "Dresses", "Dress", "Apparel", "Red", "Party", "69.99", ["S", "M"]),
        ("Mango Women Blue Summer Dress", "Women", "Dresses", "Dress", "Apparel", "Blue", "Casual", "29.99", ["M"]),
        ("Gini Girls Pink Frock", "Girls", "Dresses", "Dress", "Apparel", "Pink", "Casual", "19.99", ["4-5Y", "6-7Y"]),
        ("Peter England Men White Formal Shirt", "Men", "Shirts", "Topwear", "Apparel", "White", "Formal", "39.99", ["M", "L", "XL"]),
        ("Peter England Men Blue Formal Shirt", "Men", "Shirts", "Topwear", "Apparel", "Blue", "Formal", "42.99", ["M", "L"]),
        ("Roadster Men Black Casual Shirt", "Men", "Shirts", "Topwear", "Apparel", "Black", "Casual", "25.99", ["S", "M"]),
        ("Roadster Men Olive Casual Shirt", "Men", "Shirts", "Topwear", "Apparel", "Olive", "Casual", "27.99", ["M", "XL"]),
        ("Nike Men Black Tshirt", "Men", "Tshirts", "Topwear", "Apparel", "Black", "Sports", "19.99", ["S", "M", "L"]),
        ("Nike Men Blue Tshirt", "Men", "Tshirts", "Topwear", "Apparel", "Blue", "Casual", "17.99", ["M", "L"]),
        ("Nike Women Pink Tshirt", "Women", "Tshirts", "Topwear", "Apparel", "Pink", "Casual", "15.99", ["S", "M"]),
        ("Kids Boys Green Tshirt", "Boys", "Tshirts", "Topwear", "Apparel", "Green", "Casual", "9.99", ["6-7Y"]),
        ("Fabindia Women Green Kurta", "Women", "Kurtas", "Topwear", "Apparel", "Green", "Ethnic", "35.00", ["S", "M", "L"]),
        ("Fabindia Men White Kurta", "Men", "Kurtas", "Topwear", "Apparel", "White", "Ethnic", "32.00", ["M", "L"]),
        ("Wildcraft Unisex Black Backpack", "Unisex", "Backpacks", "Bags", "Accessories", "Black", "Casual", "49.00", []),
        ("Wildcraft Men Blue Backpack", "Men", "Backpacks", "Bags", "Accessories", "Blue", "Sports", "39.00", []),
        ("Baggit Women Black Handbag", "Women", "Handbags", "Bags", "Accessories", "Black", "Casual", "59.00", []),
        ("Levis Men Blue Jeans", "Men", "Jeans", "Bottomwear", "Apparel", "Blue", "Casual", "54.99", ["30", "32", "34"]),
    ]
    out: dict[str, list] = {}
    for i, (name, gender, atype, sub, master, colour, usage, price, sizes) in enumerate(specs):
        brand = BrandFactory(name=name.split()[0])
        at = ArticleTypeFactory(name=atype, sub_category=SubCategoryFactory(name=sub, master=MasterCategoryFactory(name=master)))
        product = ProductFactory(catalog_id=500000 + i, name=name, gender=gender, article_type=at, brand=brand,
                                 colour=ColourFactory(name=colour), usage=usage, price=Decimal(price))
        if sizes:
            for pos, size in enumerate(sizes):
                VariantFactory(product=product, size=size, position=pos, stock=5)
        else:
            VariantFactory(product=product, size="ONE SIZE", stock=5)
        out.setdefault(atype, []).append(product)
    assert Product.objects.count() >= len(specs)
    return out
