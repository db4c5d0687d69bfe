// Small behaviours for the shell; everything works without them (links fall back to full pages).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("mainnav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.addEventListener("click", (event) => {
    const panel = document.getElementById("switcher-panel");
    if (panel && panel.innerHTML && !event.target.closest(".switcher")) {
      panel.innerHTML = "";
    }
  });
});
