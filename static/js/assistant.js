/* Twinshop shopping assistant: websocket chat widget and full page. No dependencies.
 * Everything the model or the shopper wrote is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var FILTER_LABELS = {
    genders: "For", article_types: "Type", colours: "Colour", usages: "Occasion", brands: "Brand",
    exclude_colours: "Not", exclude_brands: "Not brand", min_price: "From $", max_price: "Up to $", size: "Size"
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "className") node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function Chat(root) {
    this.root = root;
    this.chat = root.querySelector("[data-assistant-chat]");
    this.log = root.querySelector("[data-assistant-log]");
    this.status = root.querySelector("[data-assistant-status]");
    this.chips = root.querySelector("[data-assistant-chips]");
    this.form = root.querySelector("[data-assistant-form]");
    this.input = root.querySelector("[data-assistant-input]");
    this.path = root.getAttribute("data-ws-path") || "/ws/assistant/";
    // On a product page the widget says which product is on screen, so "this in black" means that product.
    var page = parseInt(root.getAttribute("data-page-product") || "", 10);
    this.pageProduct = isNaN(page) ? null : page;
    this.ws = null;
    this.attempt = 0;
    this.pending = null;   // the assistant bubble being streamed into
    this.queue = [];       // messages typed while disconnected
    this.compareIds = [];
    this.twinNames = {};   // twin id -> the model's name, for what a revocation must take back
    this.helloSeen = false;
    this.bind();
  }

  Chat.prototype.bind = function () {
    var self = this;
    this.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = self.input.value.trim();
      if (!text) return;
      self.addMessage("shopper", text);
      var msg = { type: "message", text: text };
      if (self.pageProduct !== null) msg.page_product = self.pageProduct;
      self.send(msg);
      self.input.value = "";
    });
    var toggle = this.root.querySelector("[data-assistant-toggle]");
    var panel = this.root.querySelector("[data-assistant-panel]");
    var close = this.root.querySelector("[data-assistant-close]");
    if (toggle && panel) {
      var open = function (yes) {
        panel.hidden = !yes;
        toggle.setAttribute("aria-expanded", yes ? "true" : "false");
        if (yes) { self.ensureConnected(); self.input.focus(); } else { toggle.focus(); }
      };
      toggle.addEventListener("click", function () { open(panel.hidden); });
      if (close) close.addEventListener("click", function () { open(false); });
      panel.addEventListener("keydown", function (ev) { if (ev.key === "Escape") open(false); });
    } else {
      this.ensureConnected();
    }
  };

  Chat.prototype.setStatus = function (text) { if (this.status) this.status.textContent = text; };

  Chat.prototype.ensureConnected = function () {
    if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return;
    this.connect();
  };

  Chat.prototype.connect = function () {
    var self = this;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws;
    try { ws = new WebSocket(scheme + window.location.host + this.path); } catch (e) { this.reconnect(); return; }
    this.ws = ws;
    this.setStatus(this.attempt ? "Reconnecting…" : "Connecting…");
    ws.addEventListener("open", function () {
      self.attempt = 0;
      self.setStatus("Connected");
      var q = self.queue; self.queue = [];
      q.forEach(function (m) { ws.send(JSON.stringify(m)); });
    });
    ws.addEventListener("message", function (ev) {
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      self.handle(msg);
    });
    ws.addEventListener("close", function (ev) {
      // Closed on purpose by the server (logged out, idle, flooding): stay closed until the shopper sends
      // something; send() reconnects on demand. Anything else is a fault: reconnect with backoff.
      if (ev.code === 4401 || ev.code === 4408 || ev.code === 4429) {
        self.ws = null;
        self.setStatus("Disconnected; type to reconnect");
        return;
      }
      self.reconnect();
    });
  };

  Chat.prototype.reconnect = function () {
    var self = this;
    this.attempt += 1;
    // Exponential backoff with jitter, capped at 30 s, so a restarting server isn't stampeded.
    var delay = Math.min(30000, 500 * Math.pow(2, this.attempt - 1)) * (0.75 + Math.random() * 0.5);
    this.setStatus("Disconnected; retrying in " + Math.round(delay / 1000) + " s");
    window.setTimeout(function () { self.connect(); }, delay);
  };

  Chat.prototype.send = function (msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
    else { this.queue.push(msg); this.ensureConnected(); }
  };

  Chat.prototype.addMessage = function (role, text) {
    var li = el("li", { className: "assistant-msg assistant-msg-" + role }, text);
    this.log.appendChild(li);
    li.scrollIntoView({ block: "nearest" });
    return li;
  };

  Chat.prototype.handle = function (msg) {
    switch (msg.type) {
      case "hello":
        // The disclosure is shown once, in the chat's own paragraph: the server's wording replaces its text.
        var disclosure = this.root.querySelector("[data-assistant-disclosure]");
        if (disclosure) disclosure.textContent = msg.disclosure;
        else if (!this.helloSeen) this.addMessage("system", msg.disclosure);
        this.helloSeen = true;
        this.renderChips(msg.filters || {}, msg.chips);
        break;
      case "delta":
        if (!this.pending) this.pending = this.addMessage("assistant", "");
        this.pending.textContent += msg.text;
        break;
      case "reply":
        var bubble = this.pending || this.addMessage("assistant", "");
        bubble.textContent = msg.text;
        this.pending = null;
        if (msg.products && msg.products.length) this.renderCards(msg.products, bubble);
        this.renderChips(msg.filters || {}, msg.chips);
        if (msg.cart) this.updateCartBadge(msg.cart.count);
        break;
      case "error":
        this.pending = null;
        var err = this.addMessage("error", msg.message);
        err.setAttribute("role", "alert");
        break;
      case "twin_revoked":
        this.dropTwin(msg.twin_id, msg.text);
        break;
    }
  };

  Chat.prototype.updateCartBadge = function (count) {
    if (count === null || count === undefined) return;
    var badge = document.querySelector(".cart-link .badge");
    if (badge) { badge.textContent = String(count); badge.setAttribute("aria-label", count + " items in cart"); }
  };

  // A twin whose consent ended: its cards show the garment alone, and no text or alt in the chat names the
  // model any more (the bubble that introduced those cards by the model's name gets the server's wording).
  Chat.prototype.dropTwin = function (twinId, text) {
    var key = String(twinId);
    var name = this.twinNames[key];
    var imgs = this.log.querySelectorAll('img[data-twin-id="' + key + '"]');
    Array.prototype.forEach.call(imgs, function (img) {
      img.src = img.getAttribute("data-image");
      img.alt = img.getAttribute("data-product-name") || "";
      img.removeAttribute("data-twin-id");
      var label = img.parentNode.querySelector(".ai-label");
      if (label) label.parentNode.removeChild(label);
    });
    if (!name) return;
    Array.prototype.forEach.call(this.log.querySelectorAll(".assistant-msg-assistant"), function (bubble) {
      if (bubble.textContent.indexOf(name) >= 0) bubble.textContent = text || "";
    });
    delete this.twinNames[key];
  };

  Chat.prototype.renderCards = function (products, after) {
    var self = this;
    var list = el("ul", { className: "assistant-cards", "aria-label": "Suggested products" });
    products.forEach(function (p, i) {
      var card = el("li", { className: "assistant-card card" });
      var figure = el("div", { className: "assistant-card-media" });
      var img = el("img", {
        src: p.twin_image || p.image, alt: p.name + (p.twin ? " worn by " + p.twin.name + " (AI twin)" : ""),
        width: "240", height: "300", loading: "lazy", "data-image": p.image, "data-product-name": p.name
      });
      if (p.twin && p.twin.id !== undefined) {
        img.setAttribute("data-twin-id", String(p.twin.id));
        self.twinNames[String(p.twin.id)] = p.twin.name;
      }
      figure.appendChild(img);
      if (p.twin) figure.appendChild(el("span", { className: "ai-label" }, p.twin.label));
      card.appendChild(figure);
      var name = el("a", { href: p.url, className: "assistant-card-name" }, (i + 1) + ". " + p.name);
      card.appendChild(name);
      card.appendChild(el("span", { className: "assistant-price" }, p.currency + " " + p.price));

      var form = el("form", { className: "assistant-card-actions" });
      var sizes = (p.sizes || []).filter(function (s) { return s !== "ONE SIZE"; });
      var select = null;
      if (sizes.length) {
        var id = "size-" + p.id + "-" + Math.random().toString(36).slice(2, 7);
        form.appendChild(el("label", { "for": id, className: "visually-hidden" }, "Size for " + p.name));
        select = el("select", { id: id, name: "size" });
        select.appendChild(el("option", { value: "" }, "Size"));
        sizes.forEach(function (s) { select.appendChild(el("option", { value: s }, s)); });
        form.appendChild(select);
      }
      var add = el("button", { type: "submit", "aria-label": "Add " + p.name + " to cart" }, "Add to cart");
      form.appendChild(add);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (select && !select.value) { select.focus(); self.addMessage("error", "Pick a size first.").setAttribute("role", "alert"); return; }
        self.send({ type: "action", action: "add_to_cart", product_id: p.id, size: select ? select.value : null, quantity: 1 });
      });
      card.appendChild(form);

      var more = el("div", { className: "assistant-card-more" });
      var like = el("button", { type: "button", className: "secondary", "aria-label": "More like " + p.name }, "More like this");
      like.addEventListener("click", function () { self.send({ type: "action", action: "more_like_this", product_id: p.id }); });
      var cmp = el("button", { type: "button", className: "secondary", "aria-pressed": "false", "aria-label": "Compare " + p.name }, "Compare");
      cmp.addEventListener("click", function () {
        var at = self.compareIds.indexOf(p.id);
        if (at >= 0) { self.compareIds.splice(at, 1); cmp.setAttribute("aria-pressed", "false"); return; }
        self.compareIds.push(p.id); cmp.setAttribute("aria-pressed", "true");
        if (self.compareIds.length === 2) {
          self.send({ type: "action", action: "compare", product_ids: self.compareIds.slice() });
          self.compareIds = [];
          Array.prototype.forEach.call(self.log.querySelectorAll('[aria-pressed="true"]'), function (b) { b.setAttribute("aria-pressed", "false"); });
        } else {
          self.setStatus("Pick one more product to compare.");
        }
      });
      var twin = el("button", { type: "button", className: "secondary", "aria-label": "Show " + p.name + " on another twin" }, "Another twin");
      twin.addEventListener("click", function () {
        self.send({ type: "action", action: "show_on_twin", product_id: p.id, twin_id: null });
      });
      more.appendChild(like); more.appendChild(cmp); more.appendChild(twin);
      card.appendChild(more);
      list.appendChild(card);
    });
    var holder = el("li", { className: "assistant-msg assistant-msg-cards" });
    holder.appendChild(list);
    after.parentNode.insertBefore(holder, after.nextSibling);
  };

  Chat.prototype.renderChips = function (filters, chips) {
    var self = this;
    while (this.chips.firstChild) this.chips.removeChild(this.chips.firstChild);
    if (chips) {
      chips.forEach(function (c) {
        var chip = el("button", { type: "button", className: "assistant-chip", "aria-label": "Remove filter " + c.label });
        chip.appendChild(el("span", null, c.label));
        chip.appendChild(el("span", { "aria-hidden": "true", className: "assistant-chip-x" }, "×"));
        chip.addEventListener("click", function () {
          self.send({ type: "action", action: "remove_filter", field: c.field, value: c.values.length ? c.values : null });
        });
        self.chips.appendChild(chip);
      });
      return;
    }
    Object.keys(FILTER_LABELS).forEach(function (field) {
      var value = filters[field];
      if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return;
      var values = Array.isArray(value) ? value : [value];
      values.forEach(function (v) {
        var text = FILTER_LABELS[field] + ": " + v;
        var chip = el("button", { type: "button", className: "assistant-chip", "aria-label": "Remove filter " + text });
        chip.appendChild(el("span", null, text));
        chip.appendChild(el("span", { "aria-hidden": "true", className: "assistant-chip-x" }, "×"));
        chip.addEventListener("click", function () {
          self.send({ type: "action", action: "remove_filter", field: field, value: Array.isArray(value) ? v : null });
        });
        self.chips.appendChild(chip);
      });
    });
  };

  function init() {
    // On /assistant/ the page component is the chat; the floating widget is not rendered there.
    Array.prototype.forEach.call(document.querySelectorAll("[data-assistant]"), function (root) {
      if (root.__assistant) return;
      root.__assistant = new Chat(root);
      var transcript = root.querySelector("[data-assistant-transcript]");
      if (transcript) transcript.hidden = false;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
