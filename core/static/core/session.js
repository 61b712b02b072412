// The session warning: a few minutes before the idle timeout a dialog offers "Stay signed in",
// which asks the server (the request renews the session). Any request the page makes, such as
// saving advice as a draft, counts as activity ("app:server-contact"). Before the warning the page
// is told the session is ending ("app:session-ending"), so a form can save itself as a draft.
// Without JavaScript nothing here runs: the sign-in page says why the person was signed out.
const dialog = document.getElementById("session-warning");
if (dialog && typeof dialog.showModal === "function") {
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warning = Number(dialog.dataset.warningSeconds) * 1000;
  const remainingText = dialog.querySelector("[data-remaining]");
  let lastContact = Date.now();
  let ended = false;

  const minutes = (ms) => {
    const whole = Math.max(1, Math.ceil(ms / 60000));
    return whole === 1 ? "1 minute" : `${whole} minutes`;
  };

  document.addEventListener("app:server-contact", () => {
    lastContact = Date.now();
  });

  const stay = async () => {
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
      const result = await response.json().catch(() => null);
      if (result && result.signed_in) {
        lastContact = Date.now();
        if (dialog.open) dialog.close();
        return;
      }
    } catch {
      // fall through: the page is reloaded, which shows the sign-in page if the session ended
    }
    window.location.assign(window.location.href);
  };

  dialog.querySelector("[data-stay]").addEventListener("click", stay);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape means "stay", not "let it end silently"
    stay();
  });

  const tick = () => {
    if (ended) return;
    const left = idle - (Date.now() - lastContact);
    if (left <= 0) {
      ended = true;
      window.location.assign(window.location.href); // the server signs them out and says why
      return;
    }
    if (left <= warning) {
      if (!dialog.open) {
        document.dispatchEvent(new CustomEvent("app:session-ending"));
        dialog.showModal();
        dialog.querySelector("[data-stay]").focus();
      }
      remainingText.textContent = minutes(left);
    }
  };
  window.setInterval(tick, 1000);
}
