// One click sends once; the form's one-time token makes a second submission harmless anyway.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("[data-send-once]")) return;
  var button = form.querySelector("button[type=submit]");
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  if (button) setTimeout(function () { button.disabled = true; }, 0);
});
