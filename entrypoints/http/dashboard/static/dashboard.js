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

  // --- Upload form: preview and size check ------------------------------------------------------------------
  function setUpImageInput(form) {
    const input = $("[data-image-input]", form);
    if (!input) return;
    const preview = $("[data-preview]", form);
    const image = $("[data-preview-image]", form);
    const caption = $("[data-preview-caption]", form);
    const error = $("[data-image-error]", form);
    const maxBytes = Number(form.dataset.maxBytes || 0);
    let objectUrl = null;

    function showError(message) {
      error.textContent = message;
      error.hidden = !message;
      input.setCustomValidity(message);
      input.setAttribute("aria-invalid", message ? "true" : "false");
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== error.id);
      if (message) described.push(error.id);
      input.setAttribute("aria-describedby", described.join(" "));
    }

    input.addEventListener("change", () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = null;
      const file = input.files && input.files[0];
      preview.hidden = true;
      showError("");
      if (!file) return;
      if (maxBytes && file.size > maxBytes) {
        showError("This file is " + formatBytes(file.size) + "; an upload may be at most " + formatBytes(maxBytes) + ".");
        return;
      }
      objectUrl = URL.createObjectURL(file);
      image.onload = () => {
        caption.textContent = file.name + " · " + image.naturalWidth + " × " + image.naturalHeight + " px · " + formatBytes(file.size);
      };
      image.onerror = () => {
        caption.textContent = file.name + " · " + formatBytes(file.size) + " · this browser cannot preview the format";
      };
      caption.textContent = file.name + " · " + formatBytes(file.size);
      image.src = objectUrl;
      preview.hidden = false;
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
    image.className = "thumb";
    image.src = "/tasks/" + task.id + "/result";
    image.alt = "Result of " + task.title;
    image.setAttribute("data-thumb", "");
    placeholder.replaceWith(image);
  }

  async function refreshTaskView() {
    // The task page in its final state, fetched and swapped in place: no reload, focus and scroll stay.
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    ["#task-view", "[data-testid=balance]"].forEach((selector) => {
      const current = $(selector);
      const next = $(selector, fresh);
      if (current && next) current.replaceWith(document.adoptNode(next));
    });
    setUpPage($("#task-view"));
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
        if (task.status === "completed" && row.tagName === "TR") showThumbnail(row, task);
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
    $$("[data-upload-form]", root).forEach((form) => {
      setUpImageInput(form);
      setUpRows(form);
    });
    $$("[data-live-tasks]", root).forEach(follow);
    setUpDialogs(root);
    setUpCopy(root);
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpPage(document);
    const alert = $("[data-autofocus]");
    if (alert) alert.focus();
  });
})();
