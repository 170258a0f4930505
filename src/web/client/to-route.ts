/**
 * « À orienter » (coordinators): the hospital's documents for which routing found nobody
 * reachable (`GET /api/v1/documents/to-route`); the coordinator picks recipients from the CPTS
 * directory and sends (`POST /api/v1/documents/{ref}/assign`), then may follow the transfer made
 * (`#/suivi/<transfer id>`). The address bar shows only page names and transfer ids: documents are
 * named by an opaque reference in the API calls, never by patient data.
 */
import { frDateTime, h, notice, replace } from "./dom.ts";
import { describeError, getJson, postJson } from "./http.ts";
import { recipientPicker } from "./recipients.ts";
import type { Json } from "./shapes.ts";
import { isRecord, listOf, str } from "./shapes.ts";

/** French titles of the LOINC document types hospitals send most (CI-SIS), else the code. */
const LOINC_FR: Readonly<Record<string, string>> = {
  "11490-0": "Lettre de liaison à la sortie",
  "11488-4": "Compte rendu de consultation",
  "34133-9": "Synthèse d’épisode de soins",
  "18842-5": "Résumé de sortie",
  "11502-2": "Compte rendu de biologie",
  "18748-4": "Compte rendu d’imagerie",
  "57833-6": "Prescription",
};

interface Waiting {
  readonly ref: string;
  readonly receivedAt: string;
  readonly typeCode: string;
  readonly title?: string;
  readonly patient?: string;
}

function waitingOf(j: Json): Waiting {
  const p = isRecord(j.patient) ? j.patient : undefined;
  const birth = str(p?.birthDate);
  const name = [str(p?.family)?.toUpperCase(), str(p?.given)].filter((x) => x !== undefined).join(" ");
  const title = str(j.title);
  return {
    ref: str(j.ref) ?? "",
    receivedAt: str(j.receivedAt) ?? "",
    typeCode: str(j.typeCode) ?? "",
    ...(title === undefined ? {} : { title }),
    ...(name === ""
      ? {}
      : { patient: `${name}${birth === undefined ? "" : ` (${birth.split("-").reverse().join("/")})`}` }),
  };
}

export async function toRoutePage(root: HTMLElement): Promise<void> {
  const status = h("div", { id: "to-route-status", "aria-live": "polite" });
  const list = h("div", { id: "to-route-list" });
  const panel = h("div", { id: "to-route-panel" });
  root.append(
    h("h1", {}, "Documents à orienter"),
    h(
      "p",
      { class: "help" },
      "Documents reçus de l’hôpital pour lesquels aucun destinataire joignable n’a été trouvé. " +
        "Choisissez les professionnels de la CPTS qui doivent les recevoir.",
    ),
    status,
    list,
    panel,
  );
  const load = async (): Promise<void> => {
    const items = listOf(await getJson("/documents/to-route")).map(waitingOf);
    replace(panel);
    if (items.length === 0) {
      replace(list, h("p", { id: "to-route-empty" }, "Aucun document à orienter."));
      return;
    }
    replace(
      list,
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { id: "to-route-table" },
          h("caption", {}, `${String(items.length)} document(s) en attente`),
          h(
            "thead",
            {},
            h("tr", {}, ...["Reçu le", "Document", "Patient", ""].map((t) => h("th", { scope: "col" }, t))),
          ),
          h("tbody", {}, ...items.map((w) => row(w, () => void choose(w)))),
        ),
      ),
    );
  };
  const choose = async (w: Waiting): Promise<void> => {
    const picker = await recipientPicker();
    const send = h("button", { type: "button", id: "assign" }, "Envoyer aux destinataires choisis");
    send.addEventListener("click", () => {
      const to = picker.selected();
      if (to.length === 0) {
        picker.showIssues(["Choisissez au moins un destinataire."]);
        return;
      }
      send.disabled = true;
      postJson<Json>(`/documents/${encodeURIComponent(w.ref)}/assign`, { recipients: to }).then(
        async (r) => {
          const n = Array.isArray(r.routing) ? r.routing.length : to.length;
          const done = notice("ok", `Document orienté vers ${String(n)} destinataire(s).`);
          const transfer = str(r.transferId);
          if (transfer !== undefined)
            done.append(
              " ",
              h(
                "a",
                { href: `#/suivi/${encodeURIComponent(transfer)}`, id: "to-route-follow" },
                "Suivre l’envoi",
              ),
            );
          replace(status, done);
          await load();
        },
        (e: unknown) => {
          send.disabled = false;
          replace(status, notice("error", describeError(e)));
        },
      );
    });
    replace(
      panel,
      h(
        "section",
        { class: "section", "aria-labelledby": "to-route-choice" },
        h("h2", { id: "to-route-choice" }, `Orienter : ${w.title ?? LOINC_FR[w.typeCode] ?? w.typeCode}`),
        w.patient === undefined ? null : h("p", {}, `Patient : ${w.patient}`),
        picker.element,
        send,
      ),
    );
    picker.element.scrollIntoView({ block: "nearest" });
  };
  try {
    await load();
  } catch (e) {
    replace(status, notice("error", describeError(e)));
  }
}

function row(w: Waiting, onChoose: () => void): HTMLElement {
  const button = h("button", { type: "button", class: "secondary orient" }, "Orienter");
  button.addEventListener("click", onChoose);
  return h(
    "tr",
    { "data-ref": w.ref },
    h("td", {}, frDateTime(w.receivedAt)),
    h("td", { title: `LOINC ${w.typeCode}` }, w.title ?? LOINC_FR[w.typeCode] ?? `LOINC ${w.typeCode}`),
    h("td", { class: "patient" }, w.patient ?? "—"),
    h("td", {}, button),
  );
}
