"""The catalogue (products, variants, category tree, colours, brands) and orders."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Gender(models.TextChoices):
    MEN = "Men", "Men"
    WOMEN = "Women", "Women"
    BOYS = "Boys", "Boys"
    GIRLS = "Girls", "Girls"
    UNISEX = "Unisex", "Unisex"


class Season(models.TextChoices):
    SPRING = "Spring", "Spring"
    SUMMER = "Summer", "Summer"
    FALL = "Fall", "Fall"
    WINTER = "Winter", "Winter"


class Brand(models.Model):
    """Who sells the product and pays royalties for twins shown wearing it."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MasterCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "master categories"

    def __str__(self) -> str:
        return self.name


class SubCategory(models.Model):
    master = models.ForeignKey(MasterCategory, on_delete=models.PROTECT, related_name="subcategories")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=100)

    class Meta:
        ordering = ["master__name", "name"]
        verbose_name_plural = "sub categories"
        constraints = [
            models.UniqueConstraint(fields=["master", "name"], name="subcategory_unique_name_per_master",
                                    violation_error_message="This master category already has a sub category of that name."),
            models.UniqueConstraint(fields=["master", "slug"], name="subcategory_unique_slug_per_master",
                                    violation_error_message="This master category already has a sub category with that slug."),
        ]

    def __str__(self) -> str:
        return f"{self.master.name} › {self.name}"


class ArticleType(models.Model):
    sub_category = models.ForeignKey(SubCategory, on_delete=models.PROTECT, related_name="article_types")
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Colour(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    hex = models.CharField(max_length=7, default="#9aa0a6", help_text="Swatch and illustration tint, #rrggbb",
                           validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Give the colour as # and six hex digits, e.g. #1c2a4a.")])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(hex__regex=r"^#[0-9a-fA-F]{6}$"), name="colour_hex_format",
                                   violation_error_message="Give the colour as # and six hex digits, e.g. #1c2a4a."),
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    catalog_id = models.PositiveIntegerField(unique=True, help_text="The catalogue's own id; the public URL uses it.")
    name = models.CharField(max_length=255)
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products")
    gender = models.CharField(max_length=10, choices=Gender.choices, db_index=True)
    article_type = models.ForeignKey(ArticleType, on_delete=models.PROTECT, related_name="products")
    colour = models.ForeignKey(Colour, on_delete=models.PROTECT, related_name="products", null=True, blank=True)
    season = models.CharField(max_length=10, choices=Season.choices, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    usage = models.CharField(max_length=40, blank=True, db_index=True)
    price = models.DecimalField(max_digits=10, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"), "The price cannot be negative.")])
    currency = models.CharField(max_length=3, default="USD", validators=[
        RegexValidator(r"^[A-Z]{3}$", "Give the currency as a three-letter ISO code in capitals, e.g. USD.")])
    image = models.ImageField(
        upload_to="products/%Y/%m/", blank=True, help_text="Overrides the generated illustration when set."
    )
    is_published = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["catalog_id"]
        indexes = [
            models.Index(fields=["is_published", "gender", "article_type"], name="product_facet_idx"),
            models.Index(fields=["price"], name="product_price_idx"),
            # the listing's default order (newest first, stable by id) without a sort over the catalogue
            models.Index(fields=["-year", "catalog_id"], name="product_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=Decimal("0")), name="product_price_not_negative",
                                   violation_error_message="The price cannot be negative."),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="product_currency_iso",
                                   violation_error_message="Give the currency as a three-letter ISO code in capitals, e.g. USD."),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.catalog_id})"

    def get_absolute_url(self) -> str:
        return reverse("shop:product_detail", args=[self.catalog_id])


class Variant(models.Model):
    """A size of a product and its stock. Products without sizes have one variant, 'ONE SIZE'."""

    ONE_SIZE = "ONE SIZE"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    size = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(default=0)
    stock = models.IntegerField(default=0, validators=[MinValueValidator(0, "Stock cannot be negative.")])

    class Meta:
        ordering = ["product_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["product", "size"], name="variant_unique_size_per_product",
                                    violation_error_message="This product already has that size."),
            models.CheckConstraint(condition=Q(stock__gte=0), name="variant_stock_not_negative",
                                   violation_error_message="Stock cannot be negative."),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} — {self.size}"


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "Placed, awaiting payment"
    PAID = "paid", "Paid"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    address = models.TextField(help_text="The delivery address as printed on the parcel.")
    # the same address field by field (orders placed before these existed have only the text above)
    address_line1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.AWAITING_PAYMENT)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=Decimal("0")), name="order_total_not_negative",
                                   violation_error_message="An order total cannot be negative."),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("shop:order_detail", args=[self.number])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="order_lines")
    product_name = models.CharField(max_length=255)
    size = models.CharField(max_length=20)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_positive",
                                   violation_error_message="An order line needs a quantity of at least 1."),
            models.CheckConstraint(condition=Q(unit_price__gte=Decimal("0")), name="orderline_price_not_negative",
                                   violation_error_message="A unit price cannot be negative."),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name} ({self.size})"


class ImportRunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """One catalogue import: what file, when, and what it did. `--if-changed` compares file hashes here."""

    source = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=10, choices=ImportRunStatus.choices, default=ImportRunStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} @ {self.started_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class InfoPage(models.Model):
    """About, Privacy, Returns, Contact: the shop's own words, edited by merchandisers in the admin.

    The body is plain text (blank lines separate paragraphs), so a page can never carry markup or script."""

    slug = models.SlugField(max_length=40, unique=True, help_text="The page's address: /pages/<slug>/")
    title = models.CharField(max_length=120)
    body = models.TextField(help_text="Plain text; a blank line starts a new paragraph.")
    footer_position = models.PositiveSmallIntegerField(default=0, help_text="Order of the footer link; 0 hides it.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["footer_position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("shop:info_page", args=[self.slug])
