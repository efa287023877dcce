// The report form's behaviour: rich-text editors, rows to add and remove, the
// scoring method switch, and the live score. The score and the messages come
// from the server (POST /api/score), which scores with docgen's engine; nothing
// here computes a score.
(function () {
  "use strict";
  const form = document.getElementById("report-form");
  if (!form) return;
  const EDITED = ":html";
  const touched = new Set();

  // ---------------------------------------------------------------- rich text
  document.execCommand("defaultParagraphSeparator", false, "p");

  function editorChanged(area) {
    const name = area.dataset.field + EDITED;
    let input = form.querySelector(`input[type=hidden][name="${CSS.escape(name)}"]`);
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      area.parentElement.appendChild(input);
    }
    input.value = area.innerHTML;
    touched.add(area.dataset.field);
  }

  form.addEventListener("input", (event) => {
    const area = event.target.closest && event.target.closest(".rte-area");
    if (area) editorChanged(area);
    else if (event.target.name) touched.add(event.target.name);
    scheduleScore();
  });
  form.addEventListener("change", (event) => {
    if (event.target.name) touched.add(event.target.name);
    if (event.target.name === "indicator.scoring.method") showMethod();
    scheduleScore();
  });
  form.addEventListener("click", (event) => {
    const tool = event.target.closest("[data-command]");
    if (tool) {
      event.preventDefault();
      const area = tool.closest(".rte").querySelector(".rte-area");
      area.focus();
      document.execCommand(tool.dataset.command, false, null);
      editorChanged(area);
      scheduleScore();
      return;
    }
    const add = event.target.closest("[data-add-row]");
    if (add) {
      addRow(add.dataset.addRow);
      return;
    }
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      const list = remove.closest("[data-rows]");
      remove.closest("[data-row]").remove();
      renumber(list);
      touched.add(list.dataset.rows);
      scheduleScore();
    }
  });

  // ---------------------------------------------------------------- rows
  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function renumber(list) {
    const prefix = list.dataset.rows;
    const pattern = new RegExp(escapeRegExp(prefix) + "\\[(\\d+|__i__)\\]", "g");
    const attributes = ["name", "id", "for", "data-error-for", "aria-describedby"];
    list.querySelectorAll(":scope > [data-row]").forEach((row, index) => {
      row.querySelectorAll("*").forEach((element) => {
        for (const attribute of attributes) {
          const value = element.getAttribute(attribute);
          if (value && value.includes(prefix)) {
            element.setAttribute(attribute, value.replace(pattern, `${prefix}[${index}]`));
          }
        }
      });
    });
  }

  function addRow(prefix) {
    const list = form.querySelector(`[data-rows="${CSS.escape(prefix)}"]`);
    const template = form.querySelector(`template[data-row-template="${CSS.escape(prefix)}"]`);
    const row = template.content.firstElementChild.cloneNode(true);
    list.appendChild(row);
    renumber(list);
    const input = row.querySelector("input");
    if (input) input.focus();
  }

  // ---------------------------------------------------------------- method
  function showMethod() {
    const checked = form.querySelector('input[name="indicator.scoring.method"]:checked');
    const method = checked ? checked.value : "milestone";
    form.querySelectorAll("[data-method]").forEach((part) => {
      part.hidden = part.dataset.method !== method;
    });
  }

  // ---------------------------------------------------------------- live score
  let timer = null;
  let sequence = 0;

  function scheduleScore() {
    clearTimeout(timer);
    timer = setTimeout(updateScore, 250);
  }

  function relevant(slot) {
    for (const name of touched) {
      if (name === slot || name.startsWith(slot + ".") || name.startsWith(slot + "[")) return true;
    }
    return false;
  }

  async function updateScore() {
    const mine = ++sequence;
    const body = new FormData(form);
    body.delete("action");
    let data;
    try {
      const response = await fetch(form.dataset.scoreUrl, { method: "POST", body });
      if (!response.ok) return;
      data = await response.json();
    } catch (error) {
      return; // the server is away; the page keeps the last score it showed
    }
    if (mine !== sequence) return; // an answer to an older edit
    for (const [key, value] of Object.entries(data.score)) {
      form.querySelectorAll(`[data-live="${key}"]`).forEach((element) => {
        element.textContent = value;
      });
    }
    form.querySelectorAll('[data-live="weight"]').forEach((element) => {
      element.textContent = data.weight;
    });
    const bySlot = new Map();
    for (const message of data.messages) {
      if (!message.slot) continue;
      if (!bySlot.has(message.slot)) bySlot.set(message.slot, []);
      bySlot.get(message.slot).push(message.text);
    }
    form.querySelectorAll("[data-error-for]").forEach((element) => {
      const slot = element.dataset.errorFor;
      const texts = bySlot.get(slot);
      if (element.textContent || relevant(slot)) {
        element.textContent = texts ? texts.join(" · ") : "";
      }
    });
    form.dataset.scored = String(mine);
  }

  showMethod();
})();
