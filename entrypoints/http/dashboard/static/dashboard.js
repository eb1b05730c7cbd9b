// Pixelmill dashboard: small enhancements on server-rendered pages. Every page works without it, except the
// live status (server-sent events) and the rows added to the upload form. The upload form's files, drop zone and
// sending are in upload.js, which uses the helpers this file shares as window.Pixelmill.
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
    if (status === "failed") $$(".skeleton[data-thumb]", container).forEach((thumb) => thumb.classList.remove("skeleton"));
  }

  function showThumbnail(row, task) {
    const placeholder = $("[data-thumb]", row);
    if (!placeholder || placeholder.tagName === "IMG") return;
    const image = document.createElement("img");
    image.className = placeholder.className.replace(/\b(thumb-empty|skeleton)\b/g, "").replace(/\s+/g, " ").trim();
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
        // Each share link has its own status line; a page with one copy button has one for the page.
        const scope = button.closest("[data-copy-scope]") || root;
        const status = $("[data-copy-status]", scope);
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

  window.Pixelmill = { formatBytes, setUpRows, follow, announce };

  document.addEventListener("DOMContentLoaded", () => {
    setUpPage(document);
    const alert = $("[data-autofocus]");
    if (alert) alert.focus();
  });
})();
