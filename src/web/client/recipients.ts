/**
 * Recipient picker: the patient's GP, nurse and pharmacist, chosen from the CPTS directory
 * (`GET /api/v1/directory/members?profession=`). Selected members are sent as RPPS in `to`.
 */
import { h, replace } from "./dom.ts";
import { getJson } from "./http.ts";
import type { Member } from "./shapes.ts";
import { listOf, memberOf } from "./shapes.ts";

/** Annuaire Santé profession codes of the three usual recipients of a discharge letter. */
const GROUPS = [
  { code: "10", label: "Médecin traitant" },
  { code: "60", label: "Infirmier(ère)" },
  { code: "21", label: "Pharmacien(ne)" },
] as const;

export interface RecipientPicker {
  readonly element: HTMLElement;
  selected(): string[];
  showIssues(messages: readonly string[]): void;
}

export async function recipientPicker(): Promise<RecipientPicker> {
  const boxes: HTMLInputElement[] = [];
  const error = h("p", { class: "field-error", "data-error-for": "to", "aria-live": "polite" });
  const groups = await Promise.all(
    GROUPS.map(async (g) => {
      const members = listOf(await getJson(`/directory/members?profession=${g.code}`))
        .map(memberOf)
        .filter((m) => m.rpps !== "" && (m.profession === "" || m.profession === g.code));
      return h(
        "fieldset",
        { class: "recipient-group" },
        h("legend", {}, g.label),
        members.length === 0 ? h("p", { class: "help" }, "Aucun membre dans l’annuaire.") : null,
        ...members.map((m) => memberBox(m, boxes)),
      );
    }),
  );
  const element = h(
    "fieldset",
    { class: "section recipients", id: "recipients", "data-field-path": "to" },
    h("legend", {}, "Destinataires (annuaire de la CPTS)"),
    error,
    h("div", { class: "recipient-groups" }, ...groups),
  );
  return {
    element,
    selected: () => [...new Set(boxes.filter((b) => b.checked).map((b) => b.value))],
    showIssues: (messages) => {
      replace(error, messages.join(" ; "));
    },
  };
}

function memberBox(m: Member, boxes: HTMLInputElement[]): HTMLElement {
  const id = `to-${m.rpps}-${String(boxes.length)}`;
  const box = h("input", { type: "checkbox", id, value: m.rpps, name: "to" });
  boxes.push(box);
  return h(
    "div",
    { class: "check" },
    box,
    h(
      "label",
      { for: id },
      m.name,
      m.speciality === undefined ? "" : ` — ${m.speciality}`,
      h("span", { class: "muted" }, ` · RPPS ${m.rpps}`),
    ),
  );
}
