/**
 * One control per scalar field of a form definition (`liaison-forms/*.json`): its DOM, how to read
 * a value in the JSON shape of the form's schema, and where its error message goes. Labels, help,
 * bounds and options all come from the definition (the form is generated from it).
 */
import type { ScalarField } from "../../forms/browser.ts";
import { h } from "./dom.ts";

export interface Control {
  /** The wrapper: label, input, help, error line. */
  readonly element: HTMLElement;
  /** The value for the sheet JSON, or undefined when left empty. */
  read(): unknown;
  /** Sets the data path this control answers for (table rows are renumbered on read). */
  setPath(path: string): void;
}

let nextId = 0;
const newId = (): string => `f${String(++nextId)}`;

/** `2026-01-16T15:40` (datetime-local) → RFC 3339 with the browser's offset. */
export function localToRfc3339(v: string): string {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const abs = Math.abs(off);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${v.length === 16 ? `${v}:00` : v}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function input(f: ScalarField, id: string): HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement {
  const required = f.required === true;
  switch (f.type) {
    case "longtext":
      return h("textarea", { id, rows: 4, maxlength: f.maxLength, required });
    case "text":
      return h("input", { id, type: "text", maxlength: f.maxLength, required });
    case "date":
      return h("input", { id, type: "date", required });
    case "datetime":
      return h("input", { id, type: "datetime-local", required });
    case "enum":
      return h(
        "select",
        { id, required },
        h("option", { value: "" }, "— choisir —"),
        ...f.options.map((o) => h("option", { value: o.value }, o.label.fr)),
      );
    case "boolean":
      if (f.mustBeTrue === true) return h("input", { id, type: "checkbox", required });
      return h(
        "select",
        { id, required },
        h("option", { value: "" }, "— choisir —"),
        h("option", { value: "true" }, "Oui"),
        h("option", { value: "false" }, "Non"),
      );
    case "integer":
      return h("input", { id, type: "number", step: 1, min: f.minimum, max: f.maximum, required });
    case "rpps":
    case "adeli":
    case "finess":
    case "ins":
    case "siret":
      return h("input", { id, type: "text", inputmode: "numeric", autocomplete: "off", required });
    case "phone":
      return h("input", { id, type: "tel", required });
    case "email":
      return h("input", { id, type: "email", required });
  }
}

function readValue(f: ScalarField, el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement): unknown {
  if (el instanceof HTMLInputElement && el.type === "checkbox") return el.checked ? true : undefined;
  const raw = f.type === "longtext" ? el.value : el.value.trim();
  if (raw === "") return undefined;
  switch (f.type) {
    case "boolean":
      return raw === "true";
    case "integer":
      return Number.isInteger(Number(raw)) ? Number(raw) : raw;
    case "datetime":
      return localToRfc3339(raw);
    case "rpps":
    case "adeli":
    case "finess":
    case "ins":
    case "siret":
      return raw.replace(/\s+/g, "").toUpperCase();
    case "text":
    case "longtext":
    case "date":
    case "enum":
    case "phone":
    case "email":
      return raw;
  }
}

/** A labelled control with its help text and an (empty) error line tied by aria-describedby. */
export function scalarControl(f: ScalarField, path: string, compact = false): Control {
  const id = newId();
  const el = input(f, id);
  const error = h("p", { class: "field-error", id: `${id}-err`, "aria-live": "polite" });
  const help =
    f.help === undefined || compact ? null : h("p", { class: "help", id: `${id}-help` }, f.help.fr);
  el.setAttribute("aria-describedby", [help === null ? "" : `${id}-help`, `${id}-err`].join(" ").trim());
  const label = h(
    "label",
    { for: id, class: compact ? "visually-hidden" : undefined },
    f.label.fr,
    f.required === true ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null,
  );
  const wrapper = h("div", { class: `field field-${f.type}` }, label, el, help, error);
  const setPath = (p: string): void => {
    el.dataset.path = p;
    error.dataset.errorFor = p;
    wrapper.dataset.fieldPath = p;
  };
  setPath(path);
  return { element: wrapper, read: () => readValue(f, el), setPath };
}
