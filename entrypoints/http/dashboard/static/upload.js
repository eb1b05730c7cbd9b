// The upload form's files: chosen, dropped or pasted; each previewed (decoded by the browser) and checked before
// anything is sent; one file goes to POST /upload (its task page follows), several to POST /upload/batch (JSON:
// the new tasks listed here, or problem+json naming the file). Without this script the form posts itself.
"use strict";

(function () {
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const shared = window.Pixelmill;
  // Formats every current browser decodes: a file of these types that fails to decode is not a usable image.
  const DECODABLE = /^image\/(jpeg|png|gif|webp|bmp|avif)$|\.(jpe?g|png|gif|webp|bmp|avif)$/i;
  // Room for the form's own fields in the request: the server's limit is on the whole body.
  const FIELDS_ALLOWANCE = 64 * 1024;
  const COLOUR = /^#([0-9a-f]{6}|[0-9a-f]{8})$/i;

  const plural = (count, word) => count + " " + word + (count === 1 ? "" : "s");
  const limits = (form) => ({
    bytes: Number(form.dataset.maxBytes || 0),
    files: Number(form.dataset.maxFiles || 1),
    cost: Number(form.dataset.cost || 1),
    credits: Number(form.dataset.credits || 0),
  });

  // --- Messages on the image field --------------------------------------------------------------------------
  function showImageError(form, message) {
    const input = $("[data-image-input]", form);
    const error = $("[data-image-error]", form);
    error.textContent = message;
    error.hidden = !message;
    input.setCustomValidity(message);
    input.setAttribute("aria-invalid", message ? "true" : "false");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== error.id);
    if (message) described.push(error.id);
    input.setAttribute("aria-describedby", described.join(" "));
  }

  function showFileError(entry, message) {
    entry.error = message;
    entry.card.classList.toggle("is-invalid", Boolean(message));
    const text = $("[data-file-error]", entry.card);
    text.textContent = message;
    text.hidden = !message;
  }

  // --- The chosen files: one card each, kept in the input too (so the form's own post sends them) -------------
  function entriesOf(form) {
    if (!form.entries) form.entries = [];
    return form.entries;
  }

  function syncInput(form) {
    const input = $("[data-image-input]", form);
    const transfer = new DataTransfer();
    entriesOf(form).forEach((entry) => transfer.items.add(entry.file));
    input.files = transfer.files;
  }

  function refresh(form) {
    const entries = entriesOf(form);
    const limit = limits(form);
    const list = $("[data-file-list]", form);
    list.hidden = entries.length === 0;
    const words = $("[data-submit-words]", form);
    const count = Math.max(1, entries.length);
    if (words) {
      const credits = plural(count * limit.cost, "credit");
      words.textContent = count === 1 ? "Process image · " + credits : "Process " + count + " images · " + credits;
    }
    const total = entries.reduce((sum, entry) => sum + entry.file.size, 0);
    const refused = entries.filter((entry) => entry.error).length;
    let message = "";
    if (refused) {
      message = refused === 1
        ? "One of the chosen files cannot be sent: remove it, or choose another."
        : refused + " of the chosen files cannot be sent: remove them, or choose others.";
    } else if (limit.bytes && entries.length > 1 && total + FIELDS_ALLOWANCE > limit.bytes) {
      message = "These " + entries.length + " images come to " + shared.formatBytes(total) + "; one upload may be at most "
        + shared.formatBytes(limit.bytes) + " in all. Remove some, or send them in two goes.";
    } else if (entries.length * limit.cost > limit.credits && $("[data-submit-words]", form)) {
      message = "You have " + plural(limit.credits, "credit") + "; " + plural(entries.length, "image") + " need "
        + plural(entries.length * limit.cost, "credit") + ". Remove some, or buy credits first.";
    }
    showImageError(form, message);
  }

  function addFiles(form, files) {
    const entries = entriesOf(form);
    const limit = limits(form);
    const known = new Set(entries.map((entry) => entry.file.name + "/" + entry.file.size + "/" + entry.file.lastModified));
    let left = 0;
    let added = null;
    Array.from(files).forEach((file) => {
      const key = file.name + "/" + file.size + "/" + file.lastModified;
      if (known.has(key)) return; // chosen twice: once is enough
      if (entries.length >= limit.files) {
        left += 1;
        return;
      }
      known.add(key);
      const entry = { file, card: $("[data-file-template]", form).content.firstElementChild.cloneNode(true) };
      entries.push(entry);
      $("[data-file-list]", form).appendChild(entry.card);
      describe(form, entry);
      added = added || entry;
    });
    syncInput(form);
    refresh(form);
    if (left) {
      shared.announce(document, plural(left, "file") + " left out: at most " + limit.files + " images go at once.");
      showImageError(form, plural(left, "file") + " left out: at most " + limit.files + " images go at once.");
    }
    return added;
  }

  function removeEntry(form, entry) {
    const entries = entriesOf(form);
    const index = entries.indexOf(entry);
    entries.splice(index, 1);
    if (entry.url) URL.revokeObjectURL(entry.url);
    entry.card.remove();
    syncInput(form);
    refresh(form);
    const next = entries[index] || entries[index - 1];
    (next ? $("[data-file-remove]", next.card) : $("[data-image-input]", form)).focus();
  }

  // The card: name, then size and pixels once decoded; a file the browser cannot decode is refused.
  function describe(form, entry) {
    const { file, card } = entry;
    const limit = limits(form);
    $("[data-file-name]", card).textContent = file.name;
    $("[data-file-meta]", card).textContent = shared.formatBytes(file.size) + " · reading…";
    $("[data-file-remove-label]", card).textContent = "Remove " + file.name;
    // The form is looked up when used: after a refused upload the cards live in the server's fresh form.
    const formNow = () => card.closest("[data-upload-form]") || form;
    $("[data-file-remove]", card).addEventListener("click", () => removeEntry(formNow(), entry));
    const thumb = $("[data-file-thumb]", card);
    const image = $("[data-file-preview]", card);
    const done = () => thumb.classList.remove("skeleton");
    if (limit.bytes && file.size > limit.bytes) {
      done();
      $("[data-file-meta]", card).textContent = shared.formatBytes(file.size);
      showFileError(entry, "This file is " + shared.formatBytes(file.size) + "; an upload may be at most " + shared.formatBytes(limit.bytes) + ".");
      return;
    }
    entry.url = URL.createObjectURL(file);
    image.alt = "Preview of " + file.name;
    image.onload = () => {
      done();
      image.hidden = false;
      $("[data-file-meta]", card).textContent = image.naturalWidth + " × " + image.naturalHeight + " px · " + shared.formatBytes(file.size);
    };
    image.onerror = () => {
      done();
      image.removeAttribute("src");
      if (DECODABLE.test(file.type) || DECODABLE.test(file.name)) {
        $("[data-file-meta]", card).textContent = shared.formatBytes(file.size);
        showFileError(entry, "“" + file.name + "” is not an image this browser can read: it may be damaged, or not a picture at all.");
        refresh(formNow());
        return;
      }
      $("[data-file-meta]", card).textContent = shared.formatBytes(file.size) + " · no preview for this format here; the server reads it";
    };
    image.src = entry.url;
  }

  // --- Parameters: what the browser's own checks leave out -------------------------------------------------
  function parametersValid(form) {
    let first = null;
    $$("[data-rows=ops] input[name$='-color']:not(:disabled)", form).forEach((input) => {
      const wrong = input.value.trim() && !COLOUR.test(input.value.trim());
      input.setCustomValidity(wrong ? "Write a colour as #rrggbb or #rrggbbaa, e.g. #ffffff." : "");
      if (wrong && !first) first = input;
    });
    if (first) first.reportValidity();
    return !first;
  }

  // --- Sending: progress from the upload's own events, the button disabled meanwhile -------------------------
  function setUploadState(form, sending, message) {
    const button = $("button[type=submit]", form);
    const box = $("[data-upload-progress]", form);
    if (button) {
      button.disabled = sending;
      button.setAttribute("aria-busy", sending ? "true" : "false");
    }
    if (box) {
      box.hidden = !sending && !message;
      $("[data-upload-status]", box).textContent = message || "";
    }
    form.sending = sending;
  }

  function send(form, url, accept, onAnswer) {
    const bar = $("[data-upload-bar]", form);
    setUploadState(form, true, "Uploading…");
    showAlert(form, "");
    if (bar) bar.value = 0;
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Accept", accept);
    const token = form.elements.csrf_token;
    if (token) request.setRequestHeader("X-CSRF-Token", token.value);
    request.upload.addEventListener("progress", (progress) => {
      if (bar && progress.lengthComputable) bar.value = Math.round((100 * progress.loaded) / progress.total);
    });
    request.upload.addEventListener("load", () => {
      if (bar) bar.value = 100;
      setUploadState(form, true, "Uploaded; starting the tasks…");
    });
    request.addEventListener("load", () => onAnswer(request));
    request.addEventListener("error", () => {
      setUploadState(form, false, "");
      showAlert(form, "The upload did not get through (the connection broke, or the files are too large). Your files are still chosen: try again.");
    });
    request.send(new FormData(form));
  }

  function showAlert(form, message, link) {
    const alert = $("[data-batch-alert]", form);
    if (!alert) return;
    alert.hidden = !message;
    alert.replaceChildren();
    if (!message) return;
    const text = document.createElement("p");
    text.textContent = message;
    if (link) {
      const anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      text.append(" ", anchor);
    }
    alert.append(text);
    alert.focus();
  }

  // One file: the server answers with the task page (followed), or with the form and its errors in place.
  function sendOne(form) {
    send(form, form.action, "text/html", (request) => {
      const landed = new URL(request.responseURL || form.action, window.location.href);
      if (request.status < 400 && landed.pathname !== new URL(form.action, window.location.href).pathname) {
        window.location.assign(landed.href); // the task's page (or the way to buy credits)
        return;
      }
      showServerForm(form, request.responseText);
    });
  }

  function showServerForm(form, html) {
    // The server's form with its errors replaces ours; the person's files (input and cards) move into it.
    const fresh = new DOMParser().parseFromString(html, "text/html");
    const section = form.closest("[data-upload-card]");
    const next = $("[data-upload-card]", fresh);
    if (!section || !next) {
      const detail = $(".error-card p:not(.error-code)", fresh);
      setUploadState(form, false, "");
      showAlert(form, detail ? detail.textContent : "The upload was refused. Please try again.");
      return;
    }
    $("[data-image-input]", next).replaceWith($("[data-image-input]", form));
    $$("[data-file-forgotten]", next).forEach((hint) => hint.remove());
    const newForm = $("[data-upload-form]", next);
    newForm.entries = entriesOf(form);
    newForm.entries.forEach((entry) => $("[data-file-list]", newForm).appendChild(entry.card));
    section.replaceWith(document.adoptNode(next));
    setUpDropZone(newForm);
    shared.setUpRows(newForm); // a fresh form: its rows are new to dashboard.js
    refresh(newForm);
    const alert = $("[data-autofocus]", next);
    if (alert) alert.focus();
  }

  // Several files: JSON back; the new tasks are listed (and followed) here, or each error goes beside its file.
  function sendBatch(form) {
    send(form, form.dataset.batchAction, "application/json", (request) => {
      let body = {};
      try {
        body = JSON.parse(request.responseText || "{}");
      } catch (error) {
        body = {};
      }
      setUploadState(form, false, "");
      if (request.status === 202) showBatch(form, body);
      else showProblem(form, request.status, body);
    });
  }

  function showBatch(form, body) {
    const card = form.closest("[data-upload-card]");
    const result = $("[data-batch-result]", card);
    const list = $("[data-batch-result-list]", result);
    list.replaceChildren(...body.items.map(resultRow));
    list.dataset.liveTasks = body.items.map((task) => task.id).join(",");
    const title = $("[data-batch-result-title]", result);
    title.textContent = plural(body.items.length, "task") + " started";
    result.hidden = false;
    shared.follow(list);
    showInRecent(body.items);
    showBalance(form, body.balance);
    // Sent: the form is ready for the next files, under a new retry key (the old one names this batch).
    entriesOf(form).splice(0).forEach((entry) => entry.card.remove());
    syncInput(form);
    refresh(form);
    const key = form.elements.idempotency_key;
    if (key) key.value = window.crypto && crypto.randomUUID ? crypto.randomUUID() : "";
    title.focus();
    shared.announce(document, plural(body.items.length, "task") + " started.");
  }

  // The "Recent tasks" beside the form gains the new ones too (as many rows as the server lists there).
  function showInRecent(items) {
    const aside = $("[data-recent-tasks]");
    if (!aside) return;
    let list = $(".recent-list", aside);
    if (!list) {
      list = document.createElement("ul");
      list.className = "recent-list";
      $("[data-empty-state]", aside).replaceWith(list);
    }
    items.slice().reverse().forEach((task) => list.prepend(resultRow(task)));
    while (list.children.length > Number(aside.dataset.recentTasks)) list.lastElementChild.remove();
    list.dataset.liveTasks = items.map((task) => task.id).join(",");
    shared.follow(list);
  }

  function resultRow(task) {
    const row = document.createElement("li");
    row.dataset.taskId = task.id;
    row.dataset.title = task.title;
    const thumb = document.createElement("span");
    thumb.className = "thumb thumb-small thumb-empty skeleton";
    thumb.setAttribute("aria-hidden", "true");
    thumb.setAttribute("data-thumb", "");
    const link = document.createElement("a");
    link.href = "/tasks/" + task.id;
    link.textContent = task.title;
    const tag = document.createElement("span");
    tag.className = "tag tag-" + task.status;
    tag.setAttribute("data-status-tag", "");
    tag.textContent = task.status;
    row.append(thumb, link, tag);
    return row;
  }

  function showBalance(form, balance) {
    form.dataset.credits = String(balance);
    const badge = $("[data-testid=balance]");
    if (badge) {
      $(".balance-number", badge).textContent = String(balance);
      const word = $("[data-balance-word]", badge);
      if (word) word.textContent = balance === 1 ? "credit" : "credits";
      badge.classList.toggle("balance-empty", balance === 0);
    }
    const hint = $(".form-hint", form);
    if (hint) hint.textContent = "You have " + plural(balance, "credit") + ".";
  }

  function showProblem(form, status, problem) {
    $$("[data-server-error]", form).forEach((old) => old.remove());
    const entries = entriesOf(form);
    const named = [];
    (problem.errors || []).forEach((error) => {
      const file = /^image\[(\d+)\]$/.exec(error.field || "");
      if (file && entries[Number(file[1])]) {
        showFileError(entries[Number(file[1])], error.message);
        named.push(entries[Number(file[1])].file.name);
      } else {
        fieldError(form, error.field || "", error.message);
      }
    });
    refresh(form);
    const nothing = "Nothing was charged and no task was made.";
    if (status === 402) {
      showAlert(form, "Your balance does not cover these " + entries.length + " images. " + nothing, { href: "/buy", text: "Buy credits" });
    } else if (status === 413) {
      showAlert(form, "Together these images are larger than one upload may be (" + shared.formatBytes(limits(form).bytes) + "). Send them in two goes. " + nothing);
    } else if (named.length) {
      showAlert(form, "The server refused " + named.join(", ") + ": see beside each file. " + nothing);
    } else {
      showAlert(form, (problem.detail ? problem.detail.charAt(0).toUpperCase() + problem.detail.slice(1) + ". " : "The upload was refused. ") + nothing);
    }
  }

  // A field's error from the server, under the field: `title`, `metadata`, `operations[i].param`.
  function fieldError(form, field, message) {
    const operation = /^operations\[(\d+)\](?:\.(\w+))?/.exec(field);
    let target = null;
    if (operation) target = form.elements["ops-" + operation[1] + "-" + (operation[2] || "op")] || $("[data-rows=ops]", form);
    else if (field === "title") target = form.elements.title;
    else if (field === "metadata") target = $("[data-rows=meta]", form);
    else target = $("[data-image-input]", form).closest(".field");
    if (!target || target instanceof RadioNodeList) return;
    const note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("data-server-error", "");
    note.textContent = message;
    target.insertAdjacentElement("afterend", note);
  }

  // --- Drop zone and clipboard ------------------------------------------------------------------------------
  function setUpDropZone(form) {
    const zone = $("[data-dropzone]", form);
    if (!zone || zone.ready) return;
    zone.ready = true;
    $("[data-dropzone-words]", zone).hidden = false; // dropping and pasting need this script
    ["dragenter", "dragover"].forEach((name) =>
      zone.addEventListener(name, (event) => {
        event.preventDefault();
        zone.classList.add("is-dragging");
      })
    );
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("is-dragging")));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) addFiles(form, event.dataTransfer.files);
    });
  }

  function pasted(event) {
    const form = $("[data-upload-form]");
    const data = event.clipboardData;
    if (!form || !data) return;
    const images = Array.from(data.files || []).filter((file) => file.type.startsWith("image/"));
    if (!images.length) return; // text pastes into the field as usual
    event.preventDefault();
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    const named = images.map((file, index) => {
      const extension = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
      return new File([file], "pasted-" + stamp + (images.length > 1 ? "-" + (index + 1) : "") + "." + extension, { type: file.type });
    });
    const first = addFiles(form, named);
    shared.announce(document, plural(named.length, "image") + " pasted.");
    if (first) $("[data-file-remove]", first.card).focus({ preventScroll: true });
  }


  document.addEventListener("DOMContentLoaded", () => {
    const form = $("[data-upload-form]");
    if (!form || !window.DataTransfer) return; // the plain form: one or several files, posted by the browser
    setUpDropZone(form);
    const input = $("[data-image-input]", form);
    if (input.files.length) addFiles(form, input.files); // chosen before the script ran (or kept by the browser)
    document.addEventListener("change", (event) => {
      if (!event.target.matches("[data-image-input]")) return;
      const chosen = Array.from(event.target.files);
      syncInput(event.target.form); // the picker replaced the input's files: put the cards' files back first
      addFiles(event.target.form, chosen);
    });
    document.addEventListener("input", (event) => {
      if (event.target.matches("input[name$='-color']")) event.target.setCustomValidity("");
    });
    document.addEventListener("submit", (event) => {
      const target = event.target;
      if (!target.matches("[data-upload-form]") || !window.XMLHttpRequest || !window.FormData) return;
      event.preventDefault();
      if (target.sending || !parametersValid(target)) return;
      if (entriesOf(target).length > 1) sendBatch(target);
      else sendOne(target);
    });
    document.addEventListener("paste", pasted);
    // A file dropped beside the zone would make the browser open it and leave the page with the form.
    ["dragover", "drop"].forEach((name) =>
      document.addEventListener(name, (event) => {
        if (!event.target.closest || !event.target.closest("[data-dropzone]")) event.preventDefault();
      })
    );
  });
})();
