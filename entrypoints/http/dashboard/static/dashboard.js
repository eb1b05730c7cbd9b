// Pixelmill dashboard: small enhancements on server-rendered pages. Every page works without it, except the
// live status (server-sent events) and the rows added to the upload form.
"use strict";

(function () {
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const TERMINAL = ["completed", "failed"];

  function formatBytes(size) {
    if (size < 1024) return size + " B";
    const units = ["KiB", "MiB", "GiB"];
    let value = size / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return value.toFixed(1) + " " + units[unit];
  }

  // --- Upload form: preview (decoded by the browser) and size check -----------------------------------------
  // Formats every current browser decodes: a file of these types that fails to decode is not a usable image.
  const DECODABLE = /^image\/(jpeg|png|gif|webp|bmp|avif)$|\.(jpe?g|png|gif|webp|bmp|avif)$/i;

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

  function previewImage(form) {
    const input = $("[data-image-input]", form);
    const preview = $("[data-preview]", form);
    const image = $("[data-preview-image]", form);
    const caption = $("[data-preview-caption]", form);
    const maxBytes = Number(form.dataset.maxBytes || 0);
    if (form.previewUrl) URL.revokeObjectURL(form.previewUrl);
    form.previewUrl = null;
    const file = input.files && input.files[0];
    preview.hidden = true;
    showImageError(form, "");
    if (!file) return;
    if (maxBytes && file.size > maxBytes) {
      showImageError(form, "This file is " + formatBytes(file.size) + "; an upload may be at most " + formatBytes(maxBytes) + ".");
      return;
    }
    form.previewUrl = URL.createObjectURL(file);
    image.onload = () => {
      caption.textContent = file.name + " · " + image.naturalWidth + " × " + image.naturalHeight + " px · " + formatBytes(file.size);
      preview.hidden = false;
    };
    image.onerror = () => {
      if (DECODABLE.test(file.type) || DECODABLE.test(file.name)) {
        showImageError(form, "“" + file.name + "” is not an image this browser can read: it may be damaged, or not a picture at all. Choose another file.");
        return;
      }
      caption.textContent = file.name + " · " + formatBytes(file.size) + " · no preview for this format here; the server reads it";
      preview.hidden = false;
    };
    caption.textContent = file.name + " · " + formatBytes(file.size);
    image.src = form.previewUrl;
  }

  // --- Upload form: sent with XMLHttpRequest for its progress events; a refused upload keeps the chosen file ---
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

  function showServerAnswer(form, html) {
    // The server answered with the form and its errors (or an error page): show them, keep the file the person chose.
    const fresh = new DOMParser().parseFromString(html, "text/html");
    const section = form.closest("[data-upload-card]");
    const next = $("[data-upload-card]", fresh);
    if (!section || !next) {
      const detail = $(".error-card p:not(.error-code)", fresh);
      setUploadState(form, false, "");
      showImageError(form, detail ? detail.textContent : "The upload was refused. Please try again.");
      $("[data-image-input]", form).focus();
      return;
    }
    const input = $("[data-image-input]", form);
    $("[data-image-input]", next).replaceWith(input);
    $$("[data-file-forgotten]", next).forEach((hint) => hint.remove());
    section.replaceWith(document.adoptNode(next));
    const newForm = $("[data-upload-form]", next);
    setUpRows(newForm);
    previewImage(newForm);
    const alert = $("[data-autofocus]", next);
    if (alert) alert.focus();
  }

  function sendUpload(form, event) {
    if (!window.XMLHttpRequest || !window.FormData) return; // the form posts itself
    event.preventDefault();
    if (form.sending) return;
    const bar = $("[data-upload-bar]", form);
    setUploadState(form, true, "Uploading…");
    if (bar) bar.value = 0;
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "text/html");
    request.upload.addEventListener("progress", (progress) => {
      if (bar && progress.lengthComputable) bar.value = Math.round((100 * progress.loaded) / progress.total);
    });
    request.upload.addEventListener("load", () => {
      if (bar) bar.value = 100;
      setUploadState(form, true, "Uploaded; starting the task…");
    });
    request.addEventListener("load", () => {
      const landed = new URL(request.responseURL || form.action, window.location.href);
      if (request.status < 400 && landed.pathname !== new URL(form.action, window.location.href).pathname) {
        window.location.assign(landed.href); // the task's page (or the way to buy credits)
        return;
      }
      showServerAnswer(form, request.responseText);
    });
    request.addEventListener("error", () => {
      setUploadState(form, false, "");
      showImageError(form, "The upload did not get through (the connection broke, or the file is too large). Your file is still chosen: try again.");
    });
    request.send(new FormData(form));
  }

  function setUpUploadForms() {
    // Delegated, so a form swapped in after a refused upload works the same.
    document.addEventListener("change", (event) => {
      if (event.target.matches("[data-image-input]")) previewImage(event.target.form);
    });
    document.addEventListener("submit", (event) => {
      if (event.target.matches("[data-upload-form]")) sendUpload(event.target, event);
    });
  }

  // --- Upload form: repeatable rows (metadata, operations) --------------------------------------------------
  function renumber(list) {
    $$("[data-row]", list).forEach((row, index) => {
      $$("[name], [id], [for], [aria-describedby]", row).forEach((element) => {
        ["name", "id", "for", "aria-describedby"].forEach((attribute) => {
          const value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replace(/ops-(\d+|__i__)-/g, "ops-" + index + "-"));
        });
      });
    });
  }

  function showParams(row) {
    const select = $("[data-op-select]", row);
    if (!select) return;
    $$("[data-param]", row).forEach((field) => {
      const used = field.dataset.ops.split(" ").includes(select.value);
      field.hidden = !used;
      $$("input, select", field).forEach((control) => {
        control.disabled = !used;
      });
    });
  }

  function setUpRows(form) {
    $$("[data-rows]", form).forEach((list) => {
      const kind = list.dataset.rows;
      const template = $('[data-row-template="' + kind + '"]', form);
      const addButton = $('[data-add="' + kind + '"]', form);
      const maxRows = Number(list.dataset.maxRows || 0);

      function refresh() {
        renumber(list);
        if (addButton && maxRows) addButton.disabled = $$("[data-row]", list).length >= maxRows;
      }

      list.addEventListener("click", (event) => {
        const remove = event.target.closest("[data-remove]");
        if (!remove) return;
        const row = remove.closest("[data-row]");
        const next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        refresh();
        const focusTarget = next ? $("input, select", next) : addButton;
        if (focusTarget) focusTarget.focus();
      });
      list.addEventListener("change", (event) => {
        if (event.target.matches("[data-op-select]")) showParams(event.target.closest("[data-row]"));
      });
      if (addButton && template) {
        addButton.addEventListener("click", () => {
          const row = template.content.firstElementChild.cloneNode(true);
          list.appendChild(row);
          refresh();
          showParams(row);
          const first = $("input, select", row);
          if (first) first.focus();
        });
      }
      $$("[data-row]", list).forEach(showParams);
      refresh();
    });
  }

  // --- Live status through server-sent events ---------------------------------------------------------------
  function announce(root, message) {
    const announcer = $("[data-live-announcer]", root) || $("[data-live-announcer]");
    if (announcer) announcer.textContent = message;
  }

  function updateTag(container, status) {
    $$("[data-status-tag]", container).forEach((tag) => {
      tag.className = "tag tag-" + status;
      tag.textContent = status;
    });
  }

  function showThumbnail(row, task) {
    const placeholder = $("[data-thumb]", row);
    if (!placeholder || placeholder.tagName === "IMG") return;
    const image = document.createElement("img");
    image.className = placeholder.className.replace("thumb-empty", "").trim();
    image.src = "/tasks/" + task.id + "/preview";
    image.alt = "Result of " + task.title;
    image.setAttribute("data-thumb", "");
    placeholder.replaceWith(image);
  }

  async function refreshTaskView() {
    // The task page in its final state, fetched and swapped in place: no reload, focus and scroll stay.
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const view = $("#task-view");
    const focused = view && view.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused && (focused.id || focused.getAttribute("href") || focused.textContent.trim());
    ["#task-view", "[data-testid=balance]"].forEach((selector) => {
      const current = $(selector);
      const next = $(selector, fresh);
      if (current && next) current.replaceWith(document.adoptNode(next));
    });
    const swapped = $("#task-view");
    setUpPage(swapped);
    if (focused) {
      // Focus stays where it was: on the same control when the new view has it, else on the task's heading.
      const same = $$("a, button, input, [tabindex]", swapped).find(
        (element) => (element.id || element.getAttribute("href") || element.textContent.trim()) === focusKey
      );
      (same || $("h1", swapped)).focus({ preventScroll: true });
    }
  }

  function follow(container) {
    const ids = (container.dataset.liveTasks || "").split(",").filter(Boolean);
    if (!ids.length || !window.EventSource) return;
    const pending = new Set(ids);
    const query = ids.map((id) => "task=" + encodeURIComponent(id)).join("&");
    const source = new EventSource("/events?" + query);
    source.addEventListener("status", (event) => {
      const task = JSON.parse(event.data);
      const rows = container.matches("[data-task-id='" + task.id + "']")
        ? [container]
        : $$("[data-task-id='" + task.id + "']", container);
      rows.forEach((row) => {
        updateTag(row, task.status);
        if (task.status === "completed" && row !== container) showThumbnail(row, task);
      });
      if (TERMINAL.includes(task.status)) {
        pending.delete(task.id);
        announce(container.closest("main") || document, "“" + task.title + "” is " + task.status + ".");
        if (container.hasAttribute("data-refresh-when-done")) refreshTaskView();
      }
      if (!pending.size) source.close();
    });
    source.addEventListener("end", () => source.close());
  }

  // --- Before/after: a range input (so arrows, Home and End work) moves the split between the two images -----
  function setUpBeforeAfter(root) {
    $$("[data-before-after]", root).forEach((section) => {
      const stage = $(".ba-stage", section);
      const range = $("[data-ba-range]", section);
      const show = () => {
        stage.style.setProperty("--split", range.value + "%");
        range.setAttribute("aria-valuetext", range.value + "% after");
      };
      range.addEventListener("input", show);
      show();
      section.hidden = false; // without this script the two panels below say it all
    });
  }

  // --- Dialogs and copy buttons -----------------------------------------------------------------------------
  function setUpDialogs(root) {
    $$("[data-open-dialog]", root).forEach((button) => {
      button.addEventListener("click", () => {
        const dialog = document.getElementById(button.dataset.openDialog);
        if (dialog && dialog.showModal) dialog.showModal();
      });
    });
    $$("[data-close-dialog]", root).forEach((button) => {
      button.addEventListener("click", () => button.closest("dialog").close());
    });
  }

  function setUpCopy(root) {
    $$("[data-copy]", root).forEach((button) => {
      button.addEventListener("click", async () => {
        const input = document.getElementById(button.dataset.copy);
        const status = $("[data-copy-status]", root);
        input.select();
        try {
          await navigator.clipboard.writeText(input.value);
          if (status) status.textContent = "Copied to the clipboard.";
        } catch (error) {
          if (status) status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
        }
      });
    });
  }

  function setUpPage(root) {
    $$("[data-upload-form], [data-rows-form]", root).forEach(setUpRows);
    $$("[data-live-tasks]", root).forEach(follow);
    setUpDialogs(root);
    setUpCopy(root);
    setUpBeforeAfter(root);
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpUploadForms();
    setUpPage(document);
    const alert = $("[data-autofocus]");
    if (alert) alert.focus();
  });
})();
