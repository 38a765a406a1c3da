// 字数 as Word counts Chinese text; mirrors huodong/participation/wordcount.py (same test cases).
(function () {
  "use strict";
  var ONE_EACH = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2010-\u2027\u2030-\u205e\u00b7]/g;
  var WORD = /[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u00c0-\u024f]+(?:['.\-][A-Za-z0-9\u00c0-\u024f]+)*/g;

  function wordCount(text) {
    return (text.match(ONE_EACH) || []).length + (text.match(WORD) || []).length;
  }
  window.huodongWordCount = wordCount;

  // <textarea data-wordcount="#out" data-words-needed="2700"> keeps #out's number current.
  function bind(area) {
    var out = document.querySelector(area.getAttribute("data-wordcount"));
    if (!out) return;
    var needed = parseInt(area.getAttribute("data-words-needed") || "0", 10);
    var fmt = new Intl.NumberFormat();
    function update() {
      var n = wordCount(area.value);
      out.textContent = fmt.format(n);
      out.setAttribute("data-count", String(n));
      if (needed) out.classList.toggle("met", n >= needed);
    }
    area.addEventListener("input", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-wordcount]").forEach(bind);
  });
})();
