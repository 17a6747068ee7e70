// Reveal an answer on click; the button says what it does and its state (aria-expanded).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.reveal");
  if (!button) { return; }
  var answer = document.getElementById(button.getAttribute("aria-controls"));
  var open = answer.hidden;
  answer.hidden = !open;
  button.setAttribute("aria-expanded", open ? "true" : "false");
  button.textContent = open ? "Hide answer" : "Show answer";
});
// Printing shows every stage.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});
