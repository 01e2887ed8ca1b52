"""Brand names read out of product names (shop.brands), at import and for the rows already stored."""
from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from shop.brands import UNBRANDED, BrandNormaliser, brand_key, name_words
from shop.models import Brand, Product
from shop.services import catalog_import
from tests.factories import BrandFactory, ConsentGrantFactory, ProductFactory
from tests.shop.conftest import row


def levis(n: int) -> list[str]:
    return [f"Levis Men Blue Jeans {i}" for i in range(n)]


def test_the_words_before_the_gender_word_name_an_unlisted_brand():
    # given names whose brand is two words and is in no list
    names = ["C Vox Men Red Jacket", "C Vox Women Solid 1354 Black Jacket", "C Vox Men Black Jacket"]
    # when / then
    assert BrandNormaliser().brands_for(names) == ["C Vox", "C Vox", "C Vox"]


def test_a_first_word_used_alone_as_a_brand_keeps_sub_lines_together():
    # given "Jockey" standing alone before a gender word, and sub-lines of it
    names = ["Jockey Men Vest", "Jockey ZONE Men Briefs", "Jockey COMFORT PLUS Women Bra"]
    assert BrandNormaliser().brands_for(names) == ["Jockey", "Jockey", "Jockey"]


def test_a_listed_multi_word_brand_wins_over_a_shorter_one():
    names = ["Lee Men Jeans", "Lee Cooper Men Shoes"]
    assert BrandNormaliser().brands_for(names) == ["Lee", "Lee Cooper"]


def test_trailing_colour_words_are_not_part_of_the_brand():
    names = ["Newhide Black Men Wallet", "Newhide Men Brown Belt"]
    assert BrandNormaliser().brands_for(names) == ["Newhide", "Newhide"]


def test_a_brand_of_colour_words_only_stays_whole():
    # given a brand whose name is two colour words, and one whose last word is a colour
    names = ["Red Rose Women Blue Nightdress", "Red Rose Women Pink Nightdress", "Newhide Black Men Wallet"]
    # then the colour-word brand is not cut to its first word; the trailing colour still goes
    assert BrandNormaliser().brands_for(names) == ["Red Rose", "Red Rose", "Newhide"]


def test_a_file_name_is_read_as_words():
    # given the catalogue's size-chart file name as a product name
    names = ["Ayaanay_Women_New_2013_Tunics_Size_Chart.jpg", "Ayaanay Women White Printed Tunic"]
    assert name_words(names[0]) == ["Ayaanay", "Women", "New", "2013", "Tunics", "Size", "Chart"]
    assert BrandNormaliser().brands_for(names) == ["Ayaanay", "Ayaanay"]


def test_placeholder_names_get_no_brand_of_their_own():
    names = ["productDisplayName", "test dispName", "NA", "Nike Men Shoes"]
    assert BrandNormaliser().brands_for(names) == [UNBRANDED, UNBRANDED, UNBRANDED, "Nike"]


def test_spellings_of_one_brand_merge_to_the_most_common_capitalised_one():
    names = ["Rayban Men Sunglasses", "Ray Ban Unisex Sunglass", "Ray Ban Men Aviators",
             "Reid&Taylor Men Wallet", "Reid & Taylor Men Suit", "aramis Men EDT", "aramis Men Deo",
             "Aramis Men Perfume"]
    assert BrandNormaliser().brands_for(names) == [
        "Ray Ban", "Ray Ban", "Ray Ban", "Reid & Taylor", "Reid & Taylor", "Aramis", "Aramis", "Aramis"]
    assert brand_key("Gini & Jony") == brand_key("Gini and Jony") == "ginijony"


def test_a_rare_brand_one_edit_from_a_much_bigger_one_is_a_typo():
    # given 20 Levis products, one "Levisi" and one "Levi'si" (one brand key, 2 products: 10 x 2 = 20)
    names = [*levis(20), "Levisi Men Comfort Style Beige Innerwear Vest", "Levi'si Men Embroidery Purple Tshirt"]
    # when
    brands = BrandNormaliser().brands_for(names)
    # then both typos are Levis
    assert brands[-2:] == ["Levis", "Levis"]


def test_a_typo_merge_needs_grounding():
    # given a rare name one edit from a brand that is not much bigger, and a short real brand next to a big one
    names = [*levis(9), "Levisi Men Vest", *[f"Fila Men Shoe {i}" for i in range(30)], "Fifa Men Essentials Tee"]
    brands = BrandNormaliser().brands_for(names)
    # then neither is merged: Levis has fewer than 10 products, and "Fifa" is too short to judge
    assert brands[9] == "Levisi"
    assert brands[-1] == "Fifa"


def test_brands_already_in_the_catalogue_attest_and_spell_a_small_file():
    # given a catalogue selling "Levis" (40 products) and "C Vox"
    normaliser = BrandNormaliser(existing={"Levis": 40, "C Vox": 9, "Gone": 0})
    # when two rows arrive alone
    assert normaliser.brands_for(["Levisi Men Vest", "C Vox Red Jacket"]) == ["Levis", "C Vox"]
    assert normaliser.clean("LEVIS") == "Levis"


@pytest.mark.django_db
def test_import_reads_clean_brands(write_csv):
    # given a file with the catalogue's problem names
    rows = [
        row(id="1", name="C Vox Men Red Jacket"),
        row(id="2", name="Ayaanay_Women_New_2013_Tunics_Size_Chart.jpg", gender="Women"),
        row(id="3", name="Levisi Men Comfort Style Beige Innerwear Vest"),
        *[row(id=str(10 + i), name=n) for i, n in enumerate(levis(10))],
    ]
    # when imported
    report = catalog_import(path=write_csv(rows))
    # then
    assert report.created == 13
    brand_of = dict(Product.objects.values_list("catalog_id", "brand__name"))
    assert (brand_of[1], brand_of[2], brand_of[3]) == ("C Vox", "Ayaanay", "Levis")
    assert sorted(Brand.objects.values_list("name", flat=True)) == ["Ayaanay", "C Vox", "Levis"]


@pytest.mark.django_db
def test_migration_cleans_derived_brands_and_keeps_given_and_protected_ones():
    # given products stored with the old first-word brands, one with a merchandiser's brand, and a
    # consent grant on the old "C" brand
    c = BrandFactory(name="C", slug="c")
    junk = BrandFactory(name="Ayaanay_Women_New_2013_Tunics_Size_Chart.jpg", slug="junk")
    acme = BrandFactory(name="Acme Tailors", slug="acme")
    ProductFactory(catalog_id=1, name="C Vox Men Red Jacket", brand=c)
    ProductFactory(catalog_id=2, name="Ayaanay_Women_New_2013_Tunics_Size_Chart.jpg", brand=junk)
    ProductFactory(catalog_id=3, name="Peter England Men Shirt", brand=acme)
    ConsentGrantFactory(brand=c)
    # when the data migration runs
    migration = importlib.import_module("shop.migrations.0004_brand_names_cleaned")
    migration.clean_brands(apps, None)
    # then derived brands are clean, the given one stays, the unused junk brand is gone, "C" stays (protected)
    brand_of = dict(Product.objects.values_list("catalog_id", "brand__name"))
    assert brand_of == {1: "C Vox", 2: "Ayaanay", 3: "Acme Tailors"}
    assert not Brand.objects.filter(pk=junk.pk).exists()
    assert Brand.objects.filter(pk=c.pk).exists()


@pytest.mark.django_db
def test_migration_lengthens_brands_cut_to_a_colour_word_and_keeps_the_rest():
    # given "Red Rose" products stored under "Red" (0004's reading), a product a merchandiser branded "Red",
    # and Red Tape (a brand of its own)
    red = BrandFactory(name="Red", slug="red")
    tape = BrandFactory(name="Red Tape", slug="red-tape")
    ProductFactory(catalog_id=1, name="Red Rose Women Blue Nightdress", brand=red)
    ProductFactory(catalog_id=2, name="Red Rose Women Pink Nightdress", brand=red)
    ProductFactory(catalog_id=3, name="Red Tape Men Brown Shoe", brand=tape)
    ProductFactory(catalog_id=4, name="Sunset Women Tunic", brand=red)
    # when the data migration runs
    migration = importlib.import_module("shop.migrations.0008_brand_names_of_colour_words")
    migration.lengthen_colour_word_brands(apps, None)
    # then the nightdresses are Red Rose, the others keep their brands, and "Red" stays (still used)
    brand_of = dict(Product.objects.values_list("catalog_id", "brand__name"))
    assert brand_of == {1: "Red Rose", 2: "Red Rose", 3: "Red Tape", 4: "Red"}
    assert Brand.objects.filter(pk=red.pk).exists()
