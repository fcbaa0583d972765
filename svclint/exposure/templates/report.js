"use strict";
(function () {
  const entries = Array.from(document.querySelectorAll("details.entry"));
  const search = document.getElementById("search");
  const namespace = document.getElementById("namespace");
  const boxes = Array.from(document.querySelectorAll(".controls input[type=checkbox]"));
  const shown = document.getElementById("shown");
  function checked(name) {
    return new Set(boxes.filter((b) => b.name === name && b.checked).map((b) => b.value));
  }
  function apply() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const reach = checked("reach");
    const via = checked("via");
    const ns = namespace.value;
    let count = 0;
    for (const entry of entries) {
      const text = entry.dataset.search;
      const level = entry.dataset.reach;
      const visible = (!reach.size || reach.has(level) || !document.querySelector(`input[name=reach][value="${level}"]`)) &&
        via.has(entry.dataset.via) && (!ns || entry.dataset.namespace === ns) && words.every((w) => text.includes(w));
      entry.classList.toggle("hidden", !visible);
      if (visible) count += 1;
    }
    for (const section of document.querySelectorAll("[data-namespace-section], [data-reach-section]")) {
      const any = section.querySelector("details.entry:not(.hidden)") !== null;
      section.classList.toggle("hidden", !any);
      const counter = section.querySelector(":scope > h2 .count");
      if (counter) counter.textContent = `(${section.querySelectorAll("details.entry:not(.hidden)").length})`;
    }
    shown.textContent = `${count} of ${entries.length} shown`;
  }
  search.addEventListener("input", apply);
  namespace.addEventListener("change", apply);
  for (const box of boxes) box.addEventListener("change", apply);
  window.addEventListener("beforeprint", () => { for (const entry of entries) entry.open = true; });
  apply();
})();
