// A checklist form on a flaky phone connection (the checklist engine's, shared by every module that signs
// checklists). The draft lives in localStorage (with its client key and start time, so a reopened draft is the
// same record); a signed record that cannot be sent waits in an IndexedDB outbox, photos included, and goes
// out when the connection returns. The client key makes a resend return the record already stored, so
// retries never create a second one. The photos chosen for a draft are kept as Blobs in IndexedDB too (store
// "drafts", one entry per draft key) and put back into their inputs when the page is reloaded.
//
// A page opts in by including checklists/_outbox.html and marking its form:
//   <form method="post" enctype="multipart/form-data" data-offline-form data-draft-key="..." data-title="...">
// with hidden inputs client_key and started_at (and latitude/longitude to record the position). The view
// answers an `Accept: application/json` POST with {ok, url} or, refused, 422 with {ok: false, errors}.
(() => {
  "use strict";
  const DB_NAME = "shian-outbox";
  const STORE = "visits"; // the store's first name, kept so records queued before the engine still go out

  const DRAFTS = "drafts"; // a draft's photos: {key: draft key, photos: [[input name, Blob, file name]]}

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 2);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const name of [STORE, DRAFTS]) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: "key" });
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(mode, action, name = STORE) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = action(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  }

  const outboxPut = (entry) => withStore("readwrite", (store) => store.put(entry));
  const outboxAll = () => withStore("readonly", (store) => store.getAll());
  const outboxDrop = (key) => withStore("readwrite", (store) => store.delete(key));
  const photosPut = (entry) => withStore("readwrite", (store) => store.put(entry), DRAFTS);
  const photosGet = (key) => withStore("readonly", (store) => store.get(key), DRAFTS);
  const photosDrop = (key) => withStore("readwrite", (store) => store.delete(key), DRAFTS).catch(() => {});

  // The draft's chosen photos, saved whenever a photo input changes (a Blob survives a reload; a File input
  // does not), and put back into their inputs on reload. Failures only cost the photos, never the draft.
  async function savePhotos(form, draftKey) {
    if (!window.indexedDB) return;
    const photos = [];
    for (const input of form.querySelectorAll("input[type=file][name]")) {
      for (const file of input.files) photos.push([input.name, file.slice(0, file.size, file.type), file.name]);
    }
    try {
      if (photos.length) await photosPut({ key: draftKey, photos });
      else await photosDrop(draftKey);
    } catch (error) {
      // private browsing or a full disk: the answers are still kept in localStorage
    }
  }

  async function restorePhotos(form, draftKey) {
    if (!window.indexedDB || typeof DataTransfer === "undefined") return;
    let saved;
    try {
      saved = await photosGet(draftKey);
    } catch (error) {
      return;
    }
    if (!saved || !saved.photos.length) return;
    const byInput = new Map();
    for (const [name, blob, fileName] of saved.photos) {
      if (!byInput.has(name)) byInput.set(name, new DataTransfer());
      byInput.get(name).items.add(new File([blob], fileName, { type: blob.type }));
    }
    for (const [name, transfer] of byInput) {
      const input = form.querySelector(`input[type=file][name="${CSS.escape(name)}"]`);
      if (input && !input.files.length) input.files = transfer.files;
    }
  }

  // Messages come translated from the page (checklists/_outbox.html); {name} marks a value filled in here.
  function message(key, values = {}) {
    const box = document.getElementById("outbox-status");
    const text = (box && box.dataset[key]) || "";
    return text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  }

  function showStatus(text, link) {
    const box = document.getElementById("outbox-status");
    if (!box) return;
    box.textContent = text;
    if (link) {
      const a = document.createElement("a");
      a.href = link;
      a.textContent = " " + message("view");
      box.appendChild(a);
    }
    box.hidden = !text;
  }

  function showErrors(errors) {
    const box = document.getElementById("form-errors");
    if (!box) return;
    box.replaceChildren(
      ...errors.map((text) => {
        const li = document.createElement("li");
        li.className = "error";
        li.textContent = text;
        return li;
      })
    );
    box.hidden = errors.length === 0;
    if (errors.length) box.scrollIntoView({ block: "center" });
  }

  async function send(entry) {
    const body = new FormData();
    for (const [name, value] of entry.entries) {
      if (value instanceof Blob) body.append(name, value, value.name || "photo.jpg");
      else body.append(name, value);
    }
    const response = await fetch(entry.url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const data = await response.json().catch(() => null);
    return { status: response.status, data };
  }

  let flushing = false;

  async function flush() {
    if (flushing || !navigator.onLine || !window.indexedDB) return;
    flushing = true;
    try {
      for (const entry of await outboxAll()) {
        let result;
        try {
          result = await send(entry);
        } catch (error) {
          break; // still offline: keep everything for the next try
        }
        if (result.data && result.data.ok) {
          await outboxDrop(entry.key);
          localStorage.removeItem(entry.draftKey);
          await photosDrop(entry.draftKey);
          showStatus(message("sent", { title: entry.title }), result.data.url);
        } else if (result.status === 422 && result.data) {
          await outboxDrop(entry.key);
          showStatus(message("rejected", { title: entry.title, errors: result.data.errors.join("；") }));
        } else {
          break; // server trouble or an expired login: try again later
        }
      }
      const left = (await outboxAll()).length;
      if (left) showStatus(message("waiting", { n: left }));
    } finally {
      flushing = false;
    }
  }

  function fields(form) {
    const out = [];
    for (const element of form.elements) {
      if (!element.name || element.type === "file" || element.name === "csrfmiddlewaretoken") continue;
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) continue;
      out.push([element.name, element.value]);
    }
    return out;
  }

  function restore(form, saved) {
    for (const [name, value] of saved) {
      for (const element of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (element.type === "radio" || element.type === "checkbox") element.checked = element.value === value;
        else element.value = value;
      }
    }
  }

  function locate(form) {
    const status = document.getElementById("gps-status");
    if (!form.elements.latitude) return;
    if (!navigator.geolocation || form.elements.latitude.value) {
      if (form.elements.latitude.value && status) status.textContent = message("gpsKept");
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        if (status) status.textContent = message("gpsOk", { m: Math.round(position.coords.accuracy) });
        form.dispatchEvent(new Event("change"));
      },
      () => {
        if (status) status.textContent = message("gpsNone");
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  function setUp(form) {
    const draftKey = form.dataset.draftKey;
    const saved = JSON.parse(localStorage.getItem(draftKey) || "null");
    if (saved) restore(form, saved);
    else form.elements.started_at.value = new Date().toISOString();
    const save = () => localStorage.setItem(draftKey, JSON.stringify(fields(form)));
    save();
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("change", (event) => {
      if (event.target.type === "file") savePhotos(form, draftKey);
    });
    restorePhotos(form, draftKey);
    locate(form);

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showErrors([]);
      const title = form.dataset.title || "";
      const entries = [...new FormData(form).entries()].filter(
        ([, value]) => !(value instanceof File && value.size === 0)
      );
      const entry = { key: form.elements.client_key.value, url: location.href, draftKey, title, entries };
      const queue = async () => {
        await outboxPut(entry);
        showStatus(message("queued"));
      };
      if (!navigator.onLine) return queue();
      const button = form.querySelector("[type=submit]");
      button.disabled = true;
      let result;
      try {
        result = await send(entry);
      } catch (error) {
        return queue();
      } finally {
        button.disabled = false;
      }
      if (result.data && result.data.ok) {
        localStorage.removeItem(draftKey);
        await photosDrop(draftKey);
        location.href = result.data.url;
      } else if (result.status === 422 && result.data) {
        showErrors(result.data.errors);
      } else {
        await queue();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form[data-offline-form]");
    if (form) setUp(form);
    window.addEventListener("online", flush);
    setInterval(flush, 30000);
    flush();
  });
})();
