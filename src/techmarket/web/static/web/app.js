// techmarket's only script (no inline script: the Content-Security-Policy forbids it).
// Keyboard use of the queue (j/k to move, Enter to open), "select all" for batch steps, and
// filling the technology field from a suggestion.
(function () {
  "use strict";

  function rows() {
    const table = document.querySelector("table[data-keynav]");
    return table ? Array.from(table.tBodies[0].rows) : [];
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    let index = all.findIndex((r) => r.classList.contains("current"));
    if (index >= 0) all[index].classList.remove("current");
    index = Math.min(all.length - 1, Math.max(0, index + step));
    all[index].classList.add("current");
    all[index].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target instanceof HTMLElement && target.closest("input, select, textarea, [contenteditable]")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (event.key === "Enter") {
      const current = document.querySelector("table[data-keynav] tr.current a[data-row-link]");
      if (current) { event.preventDefault(); current.click(); }
    }
  });

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches("[data-select-all]")) return;
    const table = box.closest("table");
    if (!table) return;
    table.querySelectorAll("tbody input[type=checkbox][name=ids]").forEach((other) => {
      other.checked = box.checked;
    });
  });

  // 技术领域建议 (field suggestion, listing form): a click on a suggested field fills the field.
  document.addEventListener("click", (event) => {
    const target = event.target;
    const button = target instanceof Element ? target.closest("button[data-fill-field]") : null;
    if (!button) return;
    const field = document.getElementById(button.getAttribute("data-fill-field") || "");
    if (!(field instanceof HTMLSelectElement || field instanceof HTMLInputElement)) return;
    field.value = button.getAttribute("data-value") || "";
    field.dispatchEvent(new Event("change", { bubbles: true }));
    button.closest("ul")?.querySelectorAll("button.chosen").forEach((b) => b.classList.remove("chosen"));
    button.classList.add("chosen");
    field.focus();
  });
})();
