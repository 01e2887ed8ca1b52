"""Assistant writes: conversations and their turns, chat actions, and keeping the index in step with the shop."""
from __future__ import annotations

import gc
import logging
import re
import threading
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, assert_never

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils.html import strip_tags

from shop.models import Product
from shop.selectors import variants_of

from . import llm as llm_mod
from .intents import MAX_CATALOG_ID, Action, AddToCart, Compare, MoreLikeThis, RemoveFilter, ShowOnTwin
from .models import Conversation, Turn, TurnRole
from .pipeline import TurnContext, chips, run_turn
from .retrieval import index as index_mod
from .selectors import (
    has_real_sizes,
    product_card,
    products_by_catalog_ids,
    shown_product_ids,
    twins_for_products,
)
from .twin_choice import shown_twin, twin_for_request
from .understanding.schema import LIST_FIELDS, Filters

logger = logging.getLogger(__name__)

DISCLOSURE = ("You're chatting with Twinshop's AI shopping assistant, not a person. It only shows products from "
              "this shop, and the models wearing them are AI twins: licensed digital replicas of real models.")
# What an open chat shows instead of a reply that named a model whose twin was just revoked.
TWIN_WITHDRAWN = "That model's AI twin is no longer available, so these products are shown on their own."
MAX_TEXT = 1000
# Control characters and lone surrogates (valid JSON escapes) cannot be stored: SQLite refuses to encode a
# surrogate and PostgreSQL refuses NUL, which failed the whole turn. They carry no meaning in a shopping query.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class AssistantError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class TurnResult:
    text: str
    products: list[dict[str, Any]]
    filters: dict[str, Any]
    twin_ids: list[int] = field(default_factory=list)
    cart_count: int | None = None

    def as_message(self) -> dict[str, Any]:
        msg: dict[str, Any] = {"type": "reply", "text": self.text, "products": self.products, "filters": self.filters,
                               "chips": chips(self.filters)}
        if self.cart_count is not None:
            msg["cart"] = {"count": self.cart_count}
        return msg


def conversation_get_or_create(*, session_key: str, user_id: int | None = None) -> Conversation:
    convo = Conversation.objects.filter(session_key=session_key).order_by("-updated_at").first()
    if convo is None:
        convo = Conversation.objects.create(session_key=session_key, user_id=user_id)
    elif user_id and convo.user_id != user_id:
        Conversation.objects.filter(pk=convo.pk).update(user_id=user_id)
        convo.user_id = user_id
    return convo


def _twin_ids(cards: list[dict[str, Any]]) -> list[int]:
    return sorted({c["twin"]["id"] for c in cards if c.get("twin") and c["twin"].get("id") is not None})


def _record(convo: Conversation, *, expected_turns: int, state: dict[str, Any],
            turns: list[tuple[str, str, list[int], dict[str, Any]]]) -> bool:
    """Append turns and store the new state if nobody else wrote a turn meanwhile (compare-and-swap)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A chat turn is not money: if PostgreSQL crashed within the next fraction of a second, losing
            # this turn would cost a shopper one retyped message. So its commit doesn't wait for the WAL
            # flush; royalty rows keep the default synchronous commit.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        swapped = Conversation.objects.filter(pk=convo.pk, turn_count=expected_turns).update(
            state=state, turn_count=F("turn_count") + len(turns))
        if swapped != 1:
            return False
        Turn.objects.bulk_create([
            Turn(conversation_id=convo.pk, position=expected_turns + i, role=role, text=text[:4000],
                 product_ids=ids, filters=filters)
            for i, (role, text, ids, filters) in enumerate(turns)
        ])
    convo.state = state
    convo.turn_count = expected_turns + len(turns)
    return True


def _answer(answer: dict[str, Any], *, convo: Conversation, session: MutableMapping[str, Any] | None,
            session_key: str | None, viewer_anonymous: bool,
            territory: str | None) -> tuple[str, list[dict[str, Any]], list[int]]:
    """A turn that is no search: a question answered, or a cart or twin action done on the shopper's session."""
    from . import answers

    kind = answer["type"]
    if kind == "question":
        return answers.answer_question(answer["kind"], session=session), [], []
    if kind == "cart_add":
        # "Add the first one in size 42": the same cart write as the card's button; what the button gets as an
        # error frame ("pick a size") is said here as the reply.
        if session is None:
            return "I can't reach your cart from here; use the Add button on the card.", [], []
        try:
            return _cart_put(session=session, product_id=answer["product"], size=answer["size"]), [], []
        except AssistantError as exc:
            return exc.message, [], []
    if kind == "cart_remove":
        return cart_remove_from_chat(session=session, catalog_id=answer["product"]), [], []
    if answer.get("product") is None:
        return "Show me some products first, then ask to see one on another model.", [], []
    # "show it on a taller model": a twin chosen by its measurements among those licensed (twin_choice)
    result = twin_for_words(conversation=convo, product_id=answer["product"], request=answer.get("request") or "",
                            size=answer.get("size"), session_key=session_key, viewer_anonymous=viewer_anonymous,
                            territory=territory)
    return result.text, result.products, [p["id"] for p in result.products]


def twin_for_words(*, conversation: Conversation, product_id: Any, request: str, session_key: str | None,
                   viewer_anonymous: bool = False, size: str | None = None,
                   territory: str | None = None) -> TurnResult:
    """A twin asked for in words: by name ("on Priya"), by height ("a taller model"), by size ("someone my size,
    M"), or else the next covering twin. The reply says what was chosen ("on Mei Lin, 178 cm")."""
    product = _product(product_id)
    candidates = (twins_for_products([product], territory=territory).get(product.catalog_id, [])
                  if session_key else [])
    shown = ((conversation.state or {}).get("twin_shown") or {}).get(str(product.catalog_id))
    choice = twin_for_request(candidates, product=product, request=request, shown_id=shown, size=size,
                              session_key=session_key or "")
    if choice.question:
        filters = (conversation.state or {}).get("filters") or Filters().to_public()
        return TurnResult(text=choice.question, products=[], filters=filters)
    return _show_on(conversation, product=product, candidates=candidates, tid=choice.twin_id,
                    session_key=session_key, viewer_anonymous=viewer_anonymous, detail=choice.detail)


def conversation_message(*, conversation: Conversation, text: str, session: MutableMapping[str, Any] | None = None,
                         session_key: str | None = None, viewer_anonymous: bool = False, territory: str | None = None,
                         on_delta: Callable[[str], None] | None = None, page_product: Any = None) -> TurnResult:
    """Run one shopper message through the pipeline and persist the turn and the new dialogue state.

    `session` is the shopper's session, where the cart lives ("add the first one", "what's in my cart?"); the
    transport saves it afterwards (the consumer; the session middleware for the page). `session_key` is whose
    twin-image URLs the cards carry; `viewer_anonymous` that nobody is logged in to it; `territory` the
    shopper's country (licensing.transport.viewer_territory), which the twins offered must cover;
    `page_product` the catalogue id of the product page the widget is on, as the client sent it (anything but a
    published product's id is ignored: "this" then means what the chat showed)."""
    text = _UNSTORABLE.sub(" ", text or "").strip()
    if not text:
        raise AssistantError("empty_message", "Type something to search for.")
    if len(text) > MAX_TEXT:
        raise AssistantError("message_too_long", f"Messages are limited to {MAX_TEXT} characters.")
    return _turn(conversation, said=(TurnRole.SHOPPER, text), action=None, page=page_product_id(page_product),
                 session=session, session_key=session_key, viewer_anonymous=viewer_anonymous, territory=territory,
                 on_delta=on_delta)


def _turn(conversation: Conversation, *, said: tuple[str, str], action: MoreLikeThis | Compare | None,
          page: int | None, session: MutableMapping[str, Any] | None, session_key: str | None,
          viewer_anonymous: bool, territory: str | None, on_delta: Callable[[str], None] | None) -> TurnResult:
    """One pipeline turn on the stored state: a message (`action` None, the words parsed), or a card's button
    (`action`: its intent and products arrive structured). `said` is the turn recorded for the shopper."""
    convo = conversation
    for attempt in range(3):
        if attempt:
            # The compare-and-swap lost: another tab wrote a turn meanwhile. Start again from the stored state.
            convo = Conversation.objects.get(pk=conversation.pk)
        # The page is this message's, not the conversation's: never stored, so another page's product can't linger.
        turn_state = {**(convo.state or {}), "page_product": page}
        ctx = TurnContext(text=said[1], state=turn_state, action=action, session_key=session_key,
                          viewer_anonymous=viewer_anonymous, territory=territory, on_delta=on_delta,
                          chat_model=llm_mod.get_chat_model())
        ctx = run_turn(ctx)
        if ctx.answer is not None:
            ctx.reply, ctx.cards, ctx.hits = _answer(ctx.answer, convo=convo, session=session, session_key=session_key,
                                                     viewer_anonymous=viewer_anonymous, territory=territory)
        filters = ctx.filters.to_public()
        # An answer about one product shown ("how much is the second one?") leaves the page it was on as the
        # shown products, so "the third one" still points into it; "it" then means the product answered about.
        about_one = ctx.intent == "pick" and len(ctx.compare_ids) == 1 and bool(ctx.hits)
        state = {
            "filters": filters,
            "last_shown": (list(convo.state.get("last_shown") or []) if about_one or not ctx.hits else ctx.hits),
            "pointed": ctx.hits[0] if about_one else None,
            "pending": ctx.pending,
            "query_terms": ctx.query_terms,
            "wishes": ctx.wishes.to_public(),
            "carry": ctx.carry,
        }
        for key in ("twin_shown",):
            if key in (convo.state or {}):
                state[key] = convo.state[key]
        shown = list(action.products()) if action is not None else []
        ok = _record(convo, expected_turns=convo.turn_count, state=state, turns=[
            (said[0], said[1], shown, {}),
            (TurnRole.ASSISTANT, ctx.reply, ctx.hits, filters),
        ])
        if ok:
            conversation.state, conversation.turn_count = convo.state, convo.turn_count
            return TurnResult(text=ctx.reply, products=ctx.cards, filters=filters, twin_ids=_twin_ids(ctx.cards))
        on_delta = None  # a retry must not stream the same text twice
    raise AssistantError("busy", "This conversation is busy in another tab; try again.")


def conversation_action(*, conversation: Conversation | None, action: Action,
                        session: MutableMapping[str, Any] | None, session_key: str | None,
                        viewer_anonymous: bool = False, territory: str | None = None) -> TurnResult:
    """A card's button or a filter chip (assistant.intents), on what this conversation showed.

    "More like this" and "compare" run the turn a typed "more like #2" or "compare 1 and 2" runs, with the
    products given instead of parsed; the others call the service the typed words reach. Refused, with nothing
    written, when there is no conversation yet or when the action names a product the conversation never showed
    (a button only exists on a card the chat showed)."""
    if conversation is None:
        raise AssistantError("no_conversation", "Ask me for something first: the buttons act on what this chat showed.")
    wanted = action.products()
    if set(wanted) - shown_product_ids(conversation=conversation, catalog_ids=wanted):
        raise AssistantError("not_shown", "That product was not shown in this chat; ask me for it first.")
    viewer: dict[str, Any] = {"session_key": session_key, "viewer_anonymous": viewer_anonymous, "territory": territory}
    match action:
        case AddToCart():
            return cart_add_from_chat(conversation=conversation, session=session, product_id=action.product_id,
                                      size=action.size, quantity=action.quantity)
        case ShowOnTwin():
            return show_on_twin(conversation=conversation, product_id=action.product_id, twin_id=action.twin_id,
                                **viewer)
        case RemoveFilter():
            return filter_remove(conversation=conversation, field_name=action.field, value=action.value, **viewer)
        case MoreLikeThis():
            said = "more like this"
        case Compare():
            said = "compare these two"
        case _:
            assert_never(action)
    return _turn(conversation, said=(TurnRole.ACTION, said), action=action, page=None, session=session,
                 on_delta=None, **viewer)


def page_product_id(value: Any) -> int | None:
    """The product page's catalogue id as a client sent it: a JSON integer naming a published product, else
    None. A hint about the page, not a request: a bad one is ignored, never an error."""
    if type(value) is not int or not 0 <= value <= MAX_CATALOG_ID:  # bool is an int subclass: refused too
        return None
    return value if Product.objects.filter(catalog_id=value, is_published=True).exists() else None


def _product(catalog_id: Any) -> Product:
    try:
        cid = int(catalog_id)
    except (TypeError, ValueError, OverflowError):
        raise AssistantError("bad_product", "That product id is not valid.") from None
    if not 0 <= cid <= MAX_CATALOG_ID:
        raise AssistantError("bad_product", "That product id is not valid.")
    products = products_by_catalog_ids([cid])
    if not products:
        raise AssistantError("not_found", "That product is not available.")
    return products[0]


def _action_record(convo: Conversation, *, text: str, state: dict[str, Any], ids: list[int]) -> None:
    for _ in range(3):
        fresh = Conversation.objects.get(pk=convo.pk)
        merged = {**(fresh.state or {}), **state}
        if _record(fresh, expected_turns=fresh.turn_count, state=merged,
                   turns=[(TurnRole.ACTION, text, ids, merged.get("filters") or {})]):
            convo.state, convo.turn_count = fresh.state, fresh.turn_count
            return


def _cart_put(*, session: MutableMapping[str, Any], product_id: Any, size: Any, quantity: Any = 1) -> str:
    """The chat's one cart write, for the card's button and for words ("add the first one in size 42"): the
    product goes into the session's cart (the caller's transport saves the session). Returns what to say."""
    from shop.services import CartError, cart_add

    product = _product(product_id)
    size_str = str(size).strip()[:20] if size not in (None, "") else None
    if size_str is None and has_real_sizes(product):
        sizes = [v.size for v in variants_of(product) if v.stock > 0]
        raise AssistantError("size_required", f"Pick a size for {product.name}: {', '.join(sizes) or 'none in stock'}.")
    try:
        cart_add(session=session, product=product, size=size_str, quantity=quantity)
    except CartError as exc:
        raise AssistantError("cart", str(exc)) from None
    return f"Added {product.name}{f' (size {size_str})' if size_str else ''} to your cart."


def cart_add_from_chat(*, conversation: Conversation, session: MutableMapping[str, Any] | None, product_id: Any,
                       size: Any, quantity: Any = 1) -> TurnResult:
    """The card's "Add to cart": the cart write, then an action turn; the reply carries the cart's count."""
    from shop.services import cart_get

    if session is None:
        raise AssistantError("cart", "This chat has no cart to add to.")
    text = _cart_put(session=session, product_id=product_id, size=size, quantity=quantity)
    count = None
    try:
        count = cart_get(session=session).item_count
    except Exception:  # noqa: BLE001 - the count is a nicety for the badge
        count = None
    _action_record(conversation, text=text, state={}, ids=[int(product_id)])
    filters = (conversation.state or {}).get("filters") or Filters().to_public()
    return TurnResult(text=text, products=[], filters=filters, cart_count=count)


def cart_remove_from_chat(*, session: MutableMapping[str, Any] | None, catalog_id: int | None) -> str:
    """"Remove it": the product last added (or the one referred to) leaves the session's cart."""
    from shop.services.cart import cart_get, cart_remove

    if session is None:
        return "Your cart is empty."
    lines = cart_get(session=session).lines
    named = [line for line in lines if catalog_id is None or line.product.catalog_id == catalog_id]
    if not named:
        return "That product is not in your cart."
    line = named[-1]
    cart_remove(session=session, variant_id=line.variant.pk)
    return f"Removed {line.product.name} from your cart."


def show_on_twin(*, conversation: Conversation, product_id: Any, twin_id: Any, session_key: str | None,
                 viewer_anonymous: bool = False, territory: str | None = None, detail: str = "") -> TurnResult:
    product = _product(product_id)
    try:
        tid = int(twin_id) if twin_id not in (None, "") else None
    except (TypeError, ValueError):
        raise AssistantError("bad_twin", "That twin id is not valid.") from None
    candidates = twins_for_products([product], territory=territory).get(product.catalog_id, []) if session_key else []
    return _show_on(conversation, product=product, candidates=candidates, tid=tid, session_key=session_key,
                    viewer_anonymous=viewer_anonymous, detail=detail)


def _show_on(conversation: Conversation, *, product: Product, candidates: list[Any], tid: int | None,
             session_key: str | None, viewer_anonymous: bool, detail: str) -> TurnResult:
    """The product's card on twin `tid` (None: the next covering twin after the one shown), recorded as a turn."""
    shown_on: dict[str, int] = dict((conversation.state or {}).get("twin_shown") or {})
    if tid is None and candidates and session_key:
        # "Another twin": the next covering twin after the one the product's card shows.
        ids = [t.pk for t in candidates]
        last = shown_twin(candidates, shown_id=shown_on.get(str(product.catalog_id)), product=product,
                          session_key=session_key).pk
        tid = ids[(ids.index(last) + 1) % len(ids)]
    card = product_card(product, session_key=session_key, viewer_anonymous=viewer_anonymous, twin_id=tid,
                        twins=candidates if session_key else None)
    if card["twin"]:
        shown_on[str(product.catalog_id)] = card["twin"]["id"]
        said = f", {detail}" if detail and card["twin"]["id"] == tid else ""
        text = f"Here is {_plain(product.name)} on {card['twin']['name']}{said}. {card['twin']['label']}."
    else:
        text = f"No licensed twin can show {_plain(product.name)} right now, so here is its product picture."
    _action_record(conversation, text=text, state={"twin_shown": shown_on}, ids=[product.catalog_id])
    filters = (conversation.state or {}).get("filters") or Filters().to_public()
    return TurnResult(text=text, products=[card], filters=filters, twin_ids=_twin_ids([card]))


def _plain(name: str) -> str:
    # Product names are imported data: a hostile import may carry markup. Reply text is plain text everywhere.
    return strip_tags(name)


def filter_remove(*, conversation: Conversation, field_name: Any, value: Any, session_key: str | None,
                  viewer_anonymous: bool = False, territory: str | None = None) -> TurnResult:
    """A removed chip: drop one value (or the price/size limit) and search again."""
    state = dict(conversation.state or {})
    f = Filters.from_public(state.get("filters"))
    if field_name in LIST_FIELDS:
        current = getattr(f, field_name)
        if value is None:
            drop = set(current)
        elif isinstance(value, str):
            drop = {value}
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            drop = set(value)
        else:
            raise AssistantError("bad_action", "A filter value is a string or a list of strings.")
        setattr(f, field_name, [v for v in current if v not in drop])
    elif field_name in ("min_price", "max_price", "size"):
        setattr(f, field_name, None)
    else:
        raise AssistantError("bad_action", "Unknown filter.")
    _action_record(conversation, text=f"removed {field_name}", state={"filters": f.to_public()}, ids=[])
    # A message with no filter words: the pipeline searches with the stored filters as they now are.
    return conversation_message(conversation=conversation, text="show me", session_key=session_key,
                                viewer_anonymous=viewer_anonymous, territory=territory)


# --- the index follows the catalogue ----------------------------------------------------------------

BULK_THRESHOLD = 256


def index_refresh() -> index_mod.BuildReport:
    return index_mod.index_build()


def index_mark_stale(*, catalog_ids: list[int]) -> None:
    """Called by the shop after a commit that changed products (registered in AssistantConfig.ready).

    Facets are re-read from the database at once (filters stay exact); vectors of the changed products
    are embedded in the background. A bulk import leaves the embedding to `manage.py build_index`.
    """
    index_mod.mark_stale(catalog_ids)
    if len(catalog_ids) > BULK_THRESHOLD or not settings.ASSISTANT_INDEX_BACKGROUND_REFRESH:
        return
    # A failure is logged; the next build_index or change retries.
    _in_background(index_refresh, name="assistant-index-refresh")


def _in_background(work: Callable[[], Any], *, name: str) -> threading.Thread:
    """Run `work` in a daemon thread that logs a failure and closes its own database connection."""

    def run() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 - nobody awaits this thread: the log is where a failure goes
            logger.exception("%s failed", name)
        finally:
            from django.db import connection

            connection.close()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def assistant_warm() -> float:
    """Load what a worker's first chat turn would otherwise load while a shopper waits (about 3 s here): the
    index snapshot, the catalogue vocabulary, its concept anchors and speller, and the ONNX query encoder. Returns
    the seconds it took."""
    import time

    from .retrieval.embeddings import query_encoder
    from .understanding import semantic
    from .understanding.spelling import speller_for
    from .understanding.vocabulary import vocabulary_from_db

    started = time.perf_counter()
    snapshot = index_mod.get_snapshot()
    vocab = vocabulary_from_db(version=str(snapshot.stamp))
    semantic.warm(vocab)
    speller_for(vocab, snapshot.name_word_counts)  # typo tolerance of the chat and the search box
    query_encoder("fashion")
    # What was just loaded lives as long as the worker: out of the cyclic collector's sight, a full collection
    # no longer walks it (~95 ms each on the full catalogue; one chat benchmark run, about 45 s of 50 clients, had
    # 14: 1.3 s of stopped worker, and 0.4 s after the freeze). Objects freed by reference counting still go.
    gc.freeze()
    return time.perf_counter() - started


def assistant_warm_in_background() -> threading.Thread:
    """Called once per worker process by config/asgi.py: the worker serves meanwhile; a turn that arrives
    first simply loads the same things itself. An empty database or a missing index only logs here; the first
    turn reports it."""
    return _in_background(lambda: logger.info("assistant warmed in %.1f s", assistant_warm()), name="assistant-warm")


def user_sockets_close(*, user_id: int) -> None:
    """Close every open chat socket of a user (on logout), on whichever worker holds it.

    Runs after the logout itself; a channel layer that is down must not turn a logout into an error, so a
    failure is logged and the sockets fall back to their idle timeout.
    """
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    try:
        async_to_sync(get_channel_layer().group_send)(user_group(user_id), {"type": "session.ended"})
    except Exception:  # noqa: BLE001 - see docstring
        logger.exception("could not close the chat sockets of user %s", user_id)


def user_group(user_id: int) -> str:
    return f"user-{user_id}"
