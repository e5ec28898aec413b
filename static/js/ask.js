// The residents' forms (questions/): what they type is kept in this browser
// until the ward has it (for a day at most), so a failed sending (the site
// down, a 503, the connection lost) never loses it; the proof of work runs
// in a worker served from our own files; a second click sends nothing more.

// What is typed and not sent is kept this long (a failed sending is tried
// again within the day), then forgotten.
const KEPT_FOR = 24 * 60 * 60 * 1000;
const SKIPPED = new Set(["csrfmiddlewaretoken", "ma_bieu_mau", "trang_web", "altcha", "consent"]);

function storage() {
  try {
    const store = window.localStorage;
    store.getItem("wn-probe");
    return store;
  } catch (error) {
    return null; // Private browsing, or storage turned off.
  }
}

function kept(form) {
  return Array.from(form.elements).filter(
    (field) => field.name && !SKIPPED.has(field.name) && field.type !== "file" && field.type !== "hidden" && field.type !== "submit",
  );
}

function save(store, key, form) {
  const values = {};
  for (const field of kept(form)) {
    values[field.name] = field.type === "checkbox" ? field.checked : field.value;
  }
  try {
    store.setItem(key, JSON.stringify({ saved: Date.now(), values }));
  } catch (error) {
    // Storage full: the form still sends.
  }
}

function restore(store, key, form) {
  let saved = null;
  try {
    saved = JSON.parse(store.getItem(key) || "null");
  } catch (error) {
    return;
  }
  if (!saved || !saved.values) return;
  // A shared phone, the ward office's computer: what one resident typed and
  // did not send is not left for whoever opens the form days later.
  const age = Date.now() - Number(saved.saved);
  if (!(age >= 0 && age < KEPT_FOR)) {
    store.removeItem(key);
    return;
  }
  let restored = false;
  for (const field of kept(form)) {
    if (!(field.name in saved.values)) continue;
    const value = saved.values[field.name];
    // What the server drew (the form shown again with an error) wins.
    if (field.type === "checkbox") {
      if (!field.checked && value === true) {
        field.checked = true;
        restored = true;
      }
    } else if (!field.value && value) {
      field.value = value;
      restored = true;
    }
  }
  if (restored) {
    const note = document.createElement("p");
    note.className = "ask-note";
    note.setAttribute("role", "status");
    note.textContent = "Nội dung bạn nhập lần trước chưa gửi được đã được điền lại.";
    form.prepend(note);
  }
}

function guardSubmit(form) {
  form.addEventListener("submit", (event) => {
    // The proof-of-work widget may hold the first submit until it is done.
    setTimeout(() => {
      if (event.defaultPrevented) return;
      if (form.dataset.sending) return;
      form.dataset.sending = "1";
      const button = form.querySelector("button[type=submit]");
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.textContent = "Đang gửi…";
      }
    });
    if (form.dataset.sending) event.preventDefault();
  });
}

function useOurWorker(form) {
  const worker = form.dataset.altchaWorker;
  if (worker && globalThis.$altcha) {
    globalThis.$altcha.algorithms.set("SHA-256", () => new Worker(worker));
  }
}

// A proof of work that cannot be done (the challenge did not come, the
// browser is too old) must not stop a resident: the form is sent without it
// and the ward holds the item for a look.
function neverStuck(form) {
  const widget = form.querySelector("altcha-widget");
  if (!widget) return;
  const note = document.createElement("p");
  note.className = "ask-note";
  note.setAttribute("role", "status");
  note.hidden = true;
  note.textContent = "Chưa xác minh tự động được: bạn vẫn gửi được, cán bộ phường sẽ xem lại nội dung trước khi xử lý.";
  widget.after(note);
  widget.addEventListener("statechange", (event) => {
    const failed = event.detail && event.detail.state === "error";
    // The widget's own checkbox is required; the server checks every field.
    form.noValidate = failed;
    note.hidden = !failed;
  });
}

const store = storage();
for (const form of document.querySelectorAll("form[data-storage-key]")) {
  const key = form.dataset.storageKey;
  useOurWorker(form);
  neverStuck(form);
  guardSubmit(form);
  if (!store) continue;
  restore(store, key, form);
  form.addEventListener("input", () => save(store, key, form));
  form.addEventListener("change", () => save(store, key, form));
  form.addEventListener("submit", () => save(store, key, form));
}
// Back from a page that failed (a 503): the form can be sent again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll("form[data-storage-key]")) {
    delete form.dataset.sending;
    const button = form.querySelector("button[type=submit]");
    if (button) {
      button.removeAttribute("aria-disabled");
      button.textContent = "Gửi";
    }
  }
});
// The ward has it: nothing to keep any more.
const sent = document.querySelector("[data-clear-storage]");
if (sent && store) store.removeItem(sent.dataset.clearStorage);
