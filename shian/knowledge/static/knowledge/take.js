// The timed paper (knowledge/take.html). The server owns the clock: the deadline and the server's "now" come
// with the page, so a phone whose clock is wrong still counts down correctly. Answers are saved as the person
// goes (they count if time runs out); at zero the paper is handed in. Messages come translated from the page.
(() => {
  "use strict";
  const form = document.getElementById("paper");
  const clock = document.getElementById("countdown");
  const status = document.getElementById("save-status");
  if (!form || !clock) return;

  const remainingAtLoad = Number(form.dataset.remaining || "0");
  const loadedAt = Date.now();
  let submitted = false;
  let saveTimer = null;

  function say(key) {
    if (status) status.textContent = (status.dataset && status.dataset[key]) || "";
  }

  function remaining() {
    return Math.max(0, Math.round(remainingAtLoad - (Date.now() - loadedAt) / 1000));
  }

  function show(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    clock.textContent = String(minutes).padStart(2, "0") + ":" + String(rest).padStart(2, "0");
    const timer = document.getElementById("k-timer");
    if (timer) timer.classList.toggle("low", seconds <= 60);
  }

  function handIn() {
    if (submitted) return;
    submitted = true;
    say("expired");
    form.submit();
  }

  function tick() {
    const left = remaining();
    show(left);
    if (left <= 0) {
      handIn();
    } else {
      window.setTimeout(tick, 1000 - ((Date.now() - loadedAt) % 1000));
    }
  }

  async function save() {
    saveTimer = null;
    if (submitted) return;
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    try {
      const response = await fetch(form.dataset.saveUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
        credentials: "same-origin",
      });
      say(response.ok ? "saved" : "failed");
    } catch (error) {
      say("failed");
    }
  }

  form.addEventListener("change", () => {
    if (saveTimer) window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(save, 400);
  });
  form.addEventListener("submit", () => {
    submitted = true;
  });
  tick();
})();
