// A small toolbar over the article's HTML textarea, and paste that keeps the formatting (the
// server keeps only the allowed tags). Without this file the textarea takes HTML or plain text.
(function () {
  "use strict";
  var BUTTONS = [
    ["p", "¶"], ["h2", "H2"], ["h3", "H3"], ["strong", "B"], ["em", "I"], ["u", "U"],
    ["blockquote", "“”"], ["ul", "•"], ["ol", "1."], ["a", "🔗"]
  ];
  function wrap(area, tag) {
    var start = area.selectionStart, end = area.selectionEnd;
    var text = area.value.slice(start, end);
    var html;
    if (tag === "a") {
      var href = window.prompt("https://", "https://");
      if (!href) return;
      html = '<a href="' + href.replace(/"/g, "&quot;") + '">' + (text || href) + "</a>";
    } else if (tag === "ul" || tag === "ol") {
      var items = (text || "").split(/\n+/).filter(Boolean).map(function (line) {
        return "<li>" + line + "</li>";
      });
      html = "<" + tag + ">" + (items.join("") || "<li></li>") + "</" + tag + ">";
    } else {
      html = "<" + tag + ">" + text + "</" + tag + ">";
    }
    area.setRangeText(html, start, end, "end");
    area.focus();
  }
  function enhance(area) {
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.setAttribute("role", "toolbar");
    BUTTONS.forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = pair[1];
      button.title = "<" + pair[0] + ">";
      button.addEventListener("click", function () { wrap(area, pair[0]); });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
    area.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) return;
      var html = data.getData("text/html");
      if (!html) return;
      // Word and web pages put a whole document on the clipboard: keep its body only.
      var body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html);
      event.preventDefault();
      area.setRangeText((body ? body[1] : html).trim(), area.selectionStart, area.selectionEnd, "end");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-rich-editor]").forEach(enhance);
  });
  document.addEventListener("click", function (event) {
    if (event.target.matches && event.target.matches("[data-print]")) window.print();
  });
})();
