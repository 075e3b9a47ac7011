// The confirmation e-mail links to the code form with ?code=…; fill the field in, so that a
// member whose mail keeps links working only has to press the button. Without this script, or
// when the mail system disabled the link, the member types the code from the e-mail.
const code = new URLSearchParams(window.location.search).get("code");
const field = document.querySelector('input[name="code"]');
if (field && code && !field.value && /^[A-Za-z0-9-]{1,20}$/.test(code)) {
  field.value = code;
  field.form?.querySelector('button[type="submit"]')?.focus();
}
