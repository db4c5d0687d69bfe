// Handwritten signatures on the inspection form (docs/inspections.md §5): each canvas is drawn with a finger or
// a mouse and kept as a PNG data URL in its hidden field, which the offline draft (checklists/offline_form.js)
// saves and restores like any other field; a restored signature is painted back into its canvas.
(() => {
  "use strict";

  function setUp(box) {
    const canvas = box.querySelector("canvas");
    const field = box.querySelector("[data-signature-value]");
    const ctx = canvas.getContext("2d");
    let drawing = false;
    let drawn = false;

    const point = (event) => {
      const rect = canvas.getBoundingClientRect();
      return [
        ((event.clientX - rect.left) * canvas.width) / rect.width,
        ((event.clientY - rect.top) * canvas.height) / rect.height,
      ];
    };
    const store = () => {
      field.value = drawn ? canvas.toDataURL("image/png") : "";
      field.dispatchEvent(new Event("change", { bubbles: true }));
    };
    const paint = () => {
      if (!field.value) return;
      const image = new Image();
      image.onload = () => {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(image, 0, 0);
        drawn = true;
      };
      image.src = field.value;
    };

    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#111";
    // no stylesheet of its own (the CSP allows no inline styles): fit the phone's width, look like paper
    Object.assign(canvas.style, {
      touchAction: "none", maxWidth: "100%", height: "auto", display: "block", background: "#fff",
      border: "1px solid #999", borderRadius: "4px",
    });
    canvas.addEventListener("pointerdown", (event) => {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      const [x, y] = point(event);
      ctx.beginPath();
      ctx.moveTo(x, y);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      const [x, y] = point(event);
      ctx.lineTo(x, y);
      ctx.stroke();
      drawn = true;
    });
    const end = () => {
      if (!drawing) return;
      drawing = false;
      store();
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    box.querySelector("[data-signature-clear]").addEventListener("click", () => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      store();
    });
    paint();
  }

  // after the offline draft is restored (DOMContentLoaded), paint what it brought back
  window.addEventListener("load", () => {
    for (const box of document.querySelectorAll("[data-signature]")) setUp(box);
  });
})();
