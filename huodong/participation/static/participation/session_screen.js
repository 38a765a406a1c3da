// The organiser's sign-in screen: keeps the code, its QR code and the count current.
// Without JavaScript the page reloads itself every 30 seconds (a <noscript> refresh).
(function () {
  "use strict";

  function start(root) {
    var url = root.getAttribute("data-code-url");
    var pollMs = Math.max(2, parseInt(root.getAttribute("data-poll") || "5", 10)) * 1000;
    var codeEl = root.querySelector("[data-code]");
    var qrEl = root.querySelector("[data-qr]");
    var leftEl = root.querySelector("[data-seconds-left]");
    var presentEl = root.querySelector("[data-present]");
    var invitedEl = root.querySelector("[data-invited]");
    var left = parseInt((leftEl && leftEl.textContent) || "30", 10);
    var code = codeEl ? codeEl.textContent.trim() : "";
    var busy = false;

    function apply(data) {
      root.classList.remove("offline");
      root.setAttribute("data-state", data.state);
      if (data.code !== code) {
        code = data.code;
        if (codeEl) codeEl.textContent = data.code;
        // The SVG comes from this server (segno), not from anything a user typed.
        if (qrEl) qrEl.innerHTML = data.qr;
      }
      left = data.seconds_left;
      if (leftEl) leftEl.textContent = String(left);
      if (presentEl) presentEl.textContent = String(data.present);
      if (invitedEl) invitedEl.textContent = String(data.invited);
    }

    function refresh() {
      if (busy) return;
      busy = true;
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(apply)
        .catch(function () { root.classList.add("offline"); })
        .then(function () { busy = false; });
    }

    window.setInterval(function () {
      if (left > 0) left -= 1;
      if (leftEl) leftEl.textContent = String(left);
      if (left <= 0) refresh();
    }, 1000);
    window.setInterval(refresh, pollMs);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-screen]");
    if (root && window.fetch) start(root);
  });
})();
