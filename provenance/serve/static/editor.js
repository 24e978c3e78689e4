// The page works without this: it adds Ctrl+Enter (Cmd+Enter) to check the draft, says that a
// check is running, and moves the focus to the verdict when one is shown.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("check-form");
  if (!form) return;
  const text = document.getElementById("draft-text");
  const button = form.querySelector("button[type=submit]");
  const status = document.getElementById("check-status");
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", () => {
    button.disabled = true;
    status.textContent = "Checking the draft…";
  });
  // A page brought back from the browser's history is not waiting for a check any more.
  window.addEventListener("pageshow", () => {
    button.disabled = false;
    status.textContent = "";
  });
  const verdict = document.getElementById("verdict");
  if (verdict) verdict.focus();
});
