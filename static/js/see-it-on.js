// The product page's "See it on an AI twin" picker: choosing another twin or pose swaps the panel in place
// instead of reloading the page. Progressive enhancement: without JavaScript (or when the fetch fails) the
// links are ordinary links and load the page. No dependencies.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) { return; }
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(".see-it-on-choices a");
    if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; }
    var panel = document.getElementById("see-it-on");
    if (!panel) { return; }
    e.preventDefault();
    var href = link.href;
    panel.classList.add("loading");
    panel.setAttribute("aria-busy", "true");
    fetch(href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("see-it-on");
        if (!fresh) { throw new Error("no panel"); }
        panel.replaceWith(document.importNode(fresh, true));
        history.replaceState(null, "", href);  // a reload or a shared link shows the same choice
        var chosen = document.querySelector("#see-it-on .see-it-on-choices a[aria-current]");
        if (chosen) { chosen.focus({ preventScroll: true }); }
      })
      .catch(function () { window.location.href = href; });
  });
})();
