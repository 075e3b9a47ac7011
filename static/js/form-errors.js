// A form the server refused comes back with its errors beside the fields. Focus moves to the
// first field in error (or, for an error about the whole form, to that message), so that a
// keyboard or screen-reader user lands on what to fix instead of at the top of the page.
// Nothing happens when the page has no errors or something already has the focus.
function focusFirstError() {
  const active = document.activeElement;
  if (active && active !== document.body) return;
  const field = document.querySelector("form [aria-invalid='true']");
  if (field) {
    field.focus();
    return;
  }
  const message = document.querySelector("form .errorlist");
  if (message) {
    message.setAttribute("tabindex", "-1");
    message.focus();
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", focusFirstError);
} else {
  focusFirstError();
}
