// A search box above a long <select> (the brand picker): typing hides the options that do not match.
// Without JavaScript the box stays hidden and the select works as it is.
(function () {
  "use strict";
  document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-filter-for"));
    if (!select) { return; }
    box.hidden = false;
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.text.toLowerCase();
        var match = !option.value || words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !match;
        if (match && option.value && first === null) { first = option; }
      });
      if (first && select.selectedOptions.length && select.selectedOptions[0].hidden) { first.selected = true; }
      if (first && !select.value) { first.selected = true; }
    });
  });
})();
