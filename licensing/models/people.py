"""Talent, agencies, representation contracts and the digital twins that belong to a talent."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

# Fashion Workers Act: an agency may take at most 20% of a model's pay, and a representation
# contract runs at most three years (it never renews on its own).
MAX_AGENCY_COMMISSION = Decimal("0.20")
MAX_REPRESENTATION_YEARS = 3


class GenderPresentation(models.TextChoices):
    FEMININE = "feminine", "Feminine"
    MASCULINE = "masculine", "Masculine"
    ANDROGYNOUS = "androgynous", "Androgynous"


class BodyShape(models.TextChoices):
    STRAIGHT = "straight", "Straight"
    CURVY = "curvy", "Curvy"
    ATHLETIC = "athletic", "Athletic"
    PEAR = "pear", "Pear"
    APPLE = "apple", "Apple"
    HOURGLASS = "hourglass", "Hourglass"
    INVERTED_TRIANGLE = "inverted_triangle", "Inverted triangle"


class ClothingSize(models.TextChoices):
    XS = "XS", "XS"
    S = "S", "S"
    M = "M", "M"
    L = "L", "L"
    XL = "XL", "XL"
    XXL = "XXL", "XXL"


CLOTHING_SIZE_ORDER: dict[str, int] = {size: i for i, size in enumerate(ClothingSize.values)}


class Talent(models.Model):
    """A human model with a login. Measurements are used for size advice and pose selection."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="talent")
    display_name = models.CharField(max_length=120)
    pronouns = models.CharField(max_length=40, blank=True)
    gender_presentation = models.CharField(max_length=12, choices=GenderPresentation.choices)
    monk_skin_tone = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Monk Skin Tone scale, 1 (lightest) to 10 (darkest).")
    height_cm = models.PositiveSmallIntegerField(validators=[MinValueValidator(120), MaxValueValidator(230)])
    body_shape = models.CharField(max_length=20, choices=BodyShape.choices)
    clothing_size = models.CharField(max_length=3, choices=ClothingSize.choices)
    shoe_size = models.PositiveSmallIntegerField(validators=[MinValueValidator(30), MaxValueValidator(52)],
                                                 help_text="EU size")
    chest_cm = models.PositiveSmallIntegerField(validators=[MinValueValidator(50), MaxValueValidator(200)])
    waist_cm = models.PositiveSmallIntegerField(validators=[MinValueValidator(40), MaxValueValidator(200)])
    hips_cm = models.PositiveSmallIntegerField(validators=[MinValueValidator(50), MaxValueValidator(200)])
    hair_style = models.CharField(max_length=40, blank=True)
    hair_colour = models.CharField(max_length=7, default="#3b2a20", help_text="#rrggbb",
                                   validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour like #3b2a20.")])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(condition=Q(monk_skin_tone__gte=1, monk_skin_tone__lte=10), name="talent_monk_scale"),
            models.CheckConstraint(condition=Q(height_cm__gte=120, height_cm__lte=230), name="talent_height_range"),
            models.CheckConstraint(condition=Q(shoe_size__gte=30, shoe_size__lte=52), name="talent_shoe_size_eu"),
            models.CheckConstraint(
                condition=Q(chest_cm__gte=50, chest_cm__lte=200, waist_cm__gte=40, waist_cm__lte=200,
                            hips_cm__gte=50, hips_cm__lte=200),
                name="talent_measurements_range",
            ),
            models.CheckConstraint(
                condition=Q(clothing_size__in=ClothingSize.values), name="talent_clothing_size_valid"
            ),
            models.CheckConstraint(
                condition=Q(gender_presentation__in=GenderPresentation.values), name="talent_gender_presentation_valid"
            ),
            models.CheckConstraint(condition=Q(hair_colour__regex=r"^#[0-9a-fA-F]{6}$"), name="talent_hair_hex"),
        ]

    def __str__(self) -> str:
        return self.display_name


class Agency(models.Model):
    """A mother agency. Its staff logins see the roster it represents."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="agencies", blank=True)
    commission_rate = models.DecimalField(
        max_digits=5, decimal_places=4, help_text="Share of each royalty, 0 to 0.20 (Fashion Workers Act cap).",
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AGENCY_COMMISSION)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_rate__gte=Decimal("0"), commission_rate__lte=MAX_AGENCY_COMMISSION),
                name="agency_commission_at_most_20pct",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def add_years(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Representation(models.Model):
    """A talent's contract with an agency: `start`..`end` inclusive, at most three years, no auto-renewal."""

    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="representations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="representations")
    start = models.DateField()
    end = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="representation_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.talent} ↔ {self.agency} ({self.start}–{self.end})"

    def clean(self) -> None:
        if self.start and self.end:
            if self.end <= self.start:
                raise ValidationError({"end": "The end must be after the start."})
            if self.end > add_years(self.start, MAX_REPRESENTATION_YEARS):
                raise ValidationError({"end": "A representation runs at most three years."})
            if self.talent_id and Representation.objects.filter(
                talent_id=self.talent_id, start__lte=self.end, end__gte=self.start
            ).exclude(pk=self.pk).exists():
                raise ValidationError("This talent already has a representation in that period.")


class DigitalTwin(models.Model):
    """A licensed digital replica of one talent."""

    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="twins")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TwinPose(models.Model):
    twin = models.ForeignKey(DigitalTwin, on_delete=models.CASCADE, related_name="poses")
    key = models.SlugField(max_length=40, help_text='e.g. "front", "three_quarter", "walk"')
    label = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["twin_id", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["twin", "key"], name="twinpose_unique_key_per_twin")]

    def __str__(self) -> str:
        return f"{self.twin} · {self.label}"


class CaptureAngle(models.TextChoices):
    FRONT = "front", "Front"
    THREE_QUARTER = "three_quarter", "Three-quarter"
    SIDE = "side", "Side"
    BACK = "back", "Back"


class TwinCapture(models.Model):
    """A capture photo of the talent, uploaded by staff in the admin."""

    twin = models.ForeignKey(DigitalTwin, on_delete=models.CASCADE, related_name="captures")
    image = models.ImageField(upload_to="twins/captures/%Y/%m/")
    angle = models.CharField(max_length=20, choices=CaptureAngle.choices, default=CaptureAngle.FRONT)
    lighting = models.CharField(max_length=60, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    captured_at = models.DateTimeField()

    class Meta:
        ordering = ["twin_id", "-captured_at"]

    def __str__(self) -> str:
        return f"{self.twin} · {self.get_angle_display()} · {self.captured_at:%Y-%m-%d}"
