/**
 * The whole sheet form, generated from a form definition: one fieldset per section, nested
 * fieldsets for groups, editable tables, lists as one entry per line. `read()` gives the sheet data
 * in the shape of the form's JSON Schema (empty optional values left out); `showIssues` puts each
 * error next to its field, by data path (`data.patient.ins`, `data.treatments.atDischarge.0.dosage`).
 */
import type { Field, FormDefinition } from "../../forms/browser.ts";
import { h, replace } from "./dom.ts";
import type { Control } from "./form-fields.ts";
import { scalarControl } from "./form-fields.ts";

type Reader = () => unknown;

export interface IssueLike {
  readonly path: string;
  readonly message: string;
}

export interface SheetForm {
  readonly element: HTMLElement;
  read(): Record<string, unknown>;
  showIssues(issues: readonly IssueLike[]): void;
  clearIssues(): void;
}

/** An object without its undefined members, or undefined when nothing is left. */
function compactObject(
  entries: readonly (readonly [string, unknown])[],
): Record<string, unknown> | undefined {
  const kept = entries.filter(([, v]) => v !== undefined);
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

function listControl(f: Extract<Field, { type: "list" }>, path: string): Control {
  const id = `${path.replace(/\W/g, "-")}-list`;
  const area = h("textarea", { id, rows: 3, "aria-describedby": `${id}-help ${id}-err` });
  const error = h("p", { class: "field-error", id: `${id}-err`, "aria-live": "polite" });
  area.dataset.path = path;
  error.dataset.errorFor = path;
  const element = h(
    "div",
    { class: "field field-list", "data-field-path": path },
    h("label", { for: id }, f.label.fr),
    area,
    h("p", { class: "help", id: `${id}-help` }, "Une entrée par ligne."),
    error,
  );
  const read = (): unknown => {
    const items = area.value
      .split("\n")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    return items.length === 0 ? undefined : items;
  };
  return { element, read, setPath: () => undefined };
}

function tableControl(f: Extract<Field, { type: "table" }>, path: string): Control {
  const body = h("tbody");
  const rows: { tr: HTMLTableRowElement; cells: { id: string; control: Control }[] }[] = [];
  const error = h("p", { class: "field-error", "aria-live": "polite" });
  error.dataset.errorFor = path;
  const addRow = (): void => {
    const cells = f.columns.map((c) => ({ id: c.id, control: scalarControl(c, "", true) }));
    const tr = h("tr", {}, ...cells.map((c) => h("td", {}, c.control.element)));
    const remove = h("button", { type: "button", class: "link" }, "Retirer");
    const row = { tr, cells };
    remove.addEventListener("click", () => {
      rows.splice(rows.indexOf(row), 1);
      tr.remove();
      renumber();
    });
    tr.append(h("td", { class: "no-print" }, remove));
    rows.push(row);
    body.append(tr);
    renumber();
  };
  /** Non-empty rows get their index in the data; empty ones are left out of it. */
  const renumber = (): unknown[] => {
    const out: unknown[] = [];
    rows.forEach((r, i) => {
      const value = compactObject(r.cells.map((c) => [c.id, c.control.read()] as const));
      const index = value === undefined ? `empty${String(i)}` : String(out.length);
      for (const c of r.cells) c.control.setPath(`${path}.${index}.${c.id}`);
      if (value !== undefined) out.push(value);
    });
    return out;
  };
  for (let i = 0; i < (f.minRows ?? (f.required === true ? 1 : 0)); i++) addRow();
  const add = h("button", { type: "button", class: "secondary no-print" }, "Ajouter une ligne");
  add.addEventListener("click", addRow);
  const head = h(
    "tr",
    {},
    ...f.columns.map((c) => h("th", { scope: "col" }, c.label.fr, c.required === true ? " *" : "")),
    h("th", { class: "no-print" }, h("span", { class: "visually-hidden" }, "Actions")),
  );
  const element = h(
    "fieldset",
    { class: "table-field", "data-field-path": path },
    h("legend", {}, f.label.fr),
    f.help === undefined ? null : h("p", { class: "help" }, f.help.fr),
    h("div", { class: "table-scroll" }, h("table", {}, h("thead", {}, head), body)),
    error,
    add,
  );
  const read = (): unknown => {
    const out = renumber();
    return out.length === 0 ? undefined : out;
  };
  return { element, read, setPath: () => undefined };
}

function fieldControl(f: Field, path: string): Control {
  if (f.type === "group") return groupControl(f.label.fr, f.fields, path, "group");
  if (f.type === "table") return tableControl(f, path);
  if (f.type === "list") return listControl(f, path);
  return scalarControl(f, path);
}

function groupControl(legend: string, fields: readonly Field[], path: string, cls: string): Control {
  const controls = fields.map((f) => [f.id, fieldControl(f, `${path}.${f.id}`)] as const);
  const error = h("p", { class: "field-error", "aria-live": "polite" });
  error.dataset.errorFor = path;
  const element = h(
    "fieldset",
    { class: cls, "data-field-path": path },
    h("legend", {}, legend),
    error,
    ...controls.map(([, c]) => c.element),
  );
  const read: Reader = () => compactObject(controls.map(([id, c]) => [id, c.read()] as const));
  return { element, read, setPath: () => undefined };
}

/** Builds the form of `def`; paths start at `data.`. */
export function buildSheetForm(def: FormDefinition): SheetForm {
  const sections = def.sections.map((s) => {
    const c = groupControl(s.label.fr, s.fields, `data.${s.id}`, "section");
    if (s.reference !== undefined) c.element.append(h("p", { class: "reference" }, s.reference));
    return [s.id, c] as const;
  });
  const summary = h("div", { class: "issues-summary", tabindex: -1, hidden: true });
  const element = h("div", { class: "sheet-form" }, summary, ...sections.map(([, c]) => c.element));
  const clearIssues = (): void => {
    for (const e of element.querySelectorAll<HTMLElement>("[data-error-for]")) e.textContent = "";
    for (const e of element.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
    summary.hidden = true;
    replace(summary);
  };
  const showIssues = (issues: readonly IssueLike[]): void => {
    clearIssues();
    const unplaced: IssueLike[] = [];
    for (const issue of issues) {
      const target = errorSlot(element, issue.path);
      if (target === null) {
        unplaced.push(issue);
        continue;
      }
      target.textContent =
        target.textContent === "" ? issue.message : `${target.textContent} ; ${issue.message}`;
      const control = element.querySelector(`[data-path="${CSS.escape(target.dataset.errorFor ?? "")}"]`);
      control?.setAttribute("aria-invalid", "true");
    }
    summary.hidden = false;
    replace(
      summary,
      h("p", {}, `${String(issues.length)} erreur(s) à corriger, signalée(s) à côté des champs.`),
      unplaced.length === 0 ? null : h("ul", {}, ...unplaced.map((i) => h("li", {}, i.message))),
    );
    summary.focus();
  };
  const read = (): Record<string, unknown> =>
    compactObject(sections.map(([id, c]) => [id, c.read()] as const)) ?? {};
  return { element, read, showIssues, clearIssues };
}

/** The error line for `path`, or the closest enclosing one (a missing group names the group). */
function errorSlot(root: HTMLElement, path: string): HTMLElement | null {
  for (let p = path; p !== ""; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
    const slot = root.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(p)}"]`);
    if (slot !== null) return slot;
  }
  return null;
}
