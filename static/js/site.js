// Phones: the header (and the assistant button) slide away while the shopper scrolls down and come
// back as soon as they scroll up, so the content keeps the screen. Without JavaScript both simply stay.
(function () {
  "use strict";
  var last = window.scrollY, root = document.documentElement, ticking = false;
  function update() {
    var y = window.scrollY, header = document.querySelector(".site-header");
    var threshold = header ? header.offsetHeight : 80;
    if (y > last + 4 && y > threshold) {
      root.classList.add("chrome-hidden");
    } else if (y < last - 4 || y <= threshold) {
      root.classList.remove("chrome-hidden");
    }
    last = y;
    ticking = false;
  }
  window.addEventListener("scroll", function () {
    if (!ticking) { ticking = true; window.requestAnimationFrame(update); }
  }, { passive: true });
  // focus inside the header (keyboard users) always shows it
  document.addEventListener("focusin", function (e) {
    if (e.target.closest && e.target.closest(".site-header, .assistant-widget")) { root.classList.remove("chrome-hidden"); }
  });
})();
