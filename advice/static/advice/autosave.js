// Saves the advice form as a draft while someone types: every few seconds set on the form
// (data-autosave-seconds) when something changed, and when the session is about to end
// (core/static/core/session.js). The "Save as draft" button does the same without JavaScript.
const form = document.querySelector("form[data-autosave-url]");
if (form) {
  const url = form.dataset.autosaveUrl;
  const every = Number(form.dataset.autosaveSeconds || 120) * 1000;
  const status = document.getElementById("autosave-status");
  let changed = false;
  let saving = false;

  form.addEventListener("input", () => {
    changed = true;
  });
  form.addEventListener("change", () => {
    changed = true;
  });

  const say = (text) => {
    if (status) status.textContent = text;
  };

  const save = async () => {
    if (!changed || saving) return;
    saving = true;
    changed = false;
    const data = new FormData(form);
    data.delete("attachments"); // files go with the advice when it is sent, not with a draft
    try {
      const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
      const result = await response.json().catch(() => null);
      if (result && result.saved) {
        form.elements.draft_version.value = result.version;
        document.dispatchEvent(new CustomEvent("app:server-contact"));
      } else {
        changed = true; // try again next time
      }
      say(result ? result.message : "Not saved: you may have been signed out. Save as draft to check.");
    } catch {
      changed = true;
      say("Not saved: check your connection. Your typing is still on this page.");
    } finally {
      saving = false;
    }
  };

  window.setInterval(save, every);
  document.addEventListener("app:session-ending", save);
}
