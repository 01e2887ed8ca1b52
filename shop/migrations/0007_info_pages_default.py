"""The four pages a shop that asks models for consent owes its shoppers too. Merchandisers edit them."""
from django.db import migrations

PAGES = [
    ("about", "About Twinshop", 1, """Twinshop is a clothes shop that shows its products worn by AI twins: licensed digital replicas of real fashion models.

Every model signed a separate consent for their twin, stating where it may appear, for which brands, for how long and at what rate. They can revoke it at any time, and every time their twin is shown they earn a royalty.

The shopping assistant is an AI. It only talks about products in this catalogue."""),
    ("privacy", "Privacy", 2, """What we keep about you: your cart (in your session), the orders you place (name, email, delivery address, what you bought), and, when you chat with the assistant, the conversation for as long as it is open.

When you see a product on an AI twin, we record that the twin was shown (which twin, which product, when) so that the model is paid. We record a pseudonymous key for your session, not your name.

We do not sell your data, and we show no third-party advertising. To see or delete what we hold about you, write to us (see Contact)."""),
    ("returns", "Returns", 3, """You can return anything unworn, with its labels, within 30 days of delivery for a full refund.

Write to us with your order number (it starts with TS-) and we will send you a return label. Refunds go back to the way you paid, within 14 days of the parcel reaching us."""),
    ("contact", "Contact", 4, """Orders, returns and privacy: hello@twinshop.example

Models and agencies: consent@twinshop.example

We answer within two working days."""),
]


def create_pages(apps, schema_editor):
    InfoPage = apps.get_model("shop", "InfoPage")
    for slug, title, position, body in PAGES:
        InfoPage.objects.get_or_create(slug=slug, defaults={"title": title, "body": body, "footer_position": position})


class Migration(migrations.Migration):
    dependencies = [("shop", "0006_order_address_fields_and_info_pages")]
    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
