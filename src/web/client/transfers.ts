/**
 * « Suivi des envois »: each transfer's state (queued, sent, delivered, read, acknowledged,
 * overdue), refreshed every few seconds, and one transfer's history, PDF and CDA document — for a
 * hospital document, also why each recipient was chosen and its other versions (routing.ts). Only
 * ids appear in the address bar (`#/suivi/<transfer id>`), never patient data.
 */
import { frDateTime, h, notice, replace } from "./dom.ts";
import { call, describeError, getJson } from "./http.ts";
import type { TransferRow } from "./shapes.ts";
import { listOf, memberOf, str, transferOf } from "./shapes.ts";
import { routingList, versionLinks } from "./routing.ts";
import { stateLabel } from "./status.ts";
import { kindFr } from "../../transfers/record/kinds.ts";

const REFRESH_MS = 2000;

function badge(state: string, overdue: boolean): HTMLElement {
  return h(
    "span",
    { class: "badges" },
    h("span", { class: `badge state-${state}`, "data-state": state }, stateLabel(state)),
    overdue
      ? h("span", { class: "badge state-overdue", "data-state": "overdue" }, stateLabel("overdue"))
      : null,
  );
}

/** Recipients are `rpps:…` refs; names come from the directory (loaded once per page). */
let names: Promise<Map<string, string>> | undefined;
function directoryNames(): Promise<Map<string, string>> {
  names ??= getJson("/directory/members").then(
    (b) =>
      new Map(
        listOf(b)
          .map(memberOf)
          .map((m) => [m.rpps, m.name] as const),
      ),
    () => new Map<string, string>(),
  );
  return names;
}

function memberName(ref: string | undefined, who: Map<string, string>): string {
  if (ref === undefined) return "";
  const rpps = ref.replace(/^rpps:/, "");
  return ` — ${who.get(rpps) ?? `RPPS ${rpps}`}`;
}

/** « MARCHAL Odette (12/03/1948) », or a dash when the caller's role does not read sheets. */
function patientLabel(t: TransferRow): string {
  const p = t.patient;
  if (p === undefined) return "—";
  const born = p.birthDate === undefined ? "" : ` (${p.birthDate.split("-").reverse().join("/")})`;
  return `${p.lastName.toUpperCase()}${p.firstName === undefined ? "" : ` ${p.firstName}`}${born}`;
}

function row(
  t: TransferRow,
  selected: string | undefined,
  who: Map<string, string>,
  withPatient: boolean,
): HTMLElement {
  return h(
    "tr",
    { "data-transfer": t.id, class: t.id === selected ? "selected" : undefined },
    h(
      "td",
      {},
      h("a", { href: `#/suivi/${encodeURIComponent(t.id)}`, class: "reference" }, h("code", {}, t.reference)),
    ),
    h("td", { class: "kind", title: t.form }, kindFr(t.kind)),
    withPatient ? h("td", { class: "patient" }, patientLabel(t)) : null,
    h("td", {}, frDateTime(t.createdAt)),
    h("td", {}, t.recipients.map((r) => r.name ?? who.get(r.ref) ?? `RPPS ${r.ref}`).join(", ") || "—"),
    h("td", { class: "transfer-state" }, badge(t.state, t.overdue)),
  );
}

const CDA_KINDS: ReadonlySet<string> = new Set([
  "discharge",
  "admission",
  "teleexpertise-request",
  "teleexpertise-answer",
]);

/** A button that downloads `/transfers/{id}/{what}` (the API audits it) as `fiche-<reference>.<what>…`. */
function download(
  host: HTMLElement,
  id: string,
  reference: string,
  what: "pdf" | "cda",
  accept: string,
  buttonId: string,
  label: string,
): HTMLElement {
  const button = h("button", { type: "button", class: "secondary", id: buttonId }, label);
  button.addEventListener("click", () => {
    void call(`/transfers/${encodeURIComponent(id)}/${what}`, { headers: { Accept: accept } }).then(
      async (res) => {
        const url = URL.createObjectURL(await res.blob());
        const name = `fiche-${reference}${what === "pdf" ? ".pdf" : ".cda.xml"}`;
        const a = h("a", { href: url, download: name });
        a.click();
        setTimeout(() => {
          URL.revokeObjectURL(url);
        }, 10_000);
      },
      (e: unknown) => {
        host.append(notice("error", describeError(e)));
      },
    );
  });
  return button;
}

async function detail(host: HTMLElement, id: string, who: Map<string, string>): Promise<void> {
  const t = transferOf(await getJson(`/transfers/${encodeURIComponent(id)}`));
  const history = listOf(await getJson(`/transfers/${encodeURIComponent(id)}/history`));
  const pdf = download(
    host,
    id,
    t.reference,
    "pdf",
    "application/pdf",
    "download-pdf",
    "Télécharger le PDF signé",
  );
  // The sheet kinds with a CI-SIS content model (LDL-SES, LDL-EES, TLM-DA, TLM-CR): see src/cda.
  const kind = t.form.split("@")[0] ?? "";
  const cda = CDA_KINDS.has(kind)
    ? download(
        host,
        id,
        t.reference,
        "cda",
        "application/xml",
        "download-cda",
        "Télécharger le document CDA (XML)",
      )
    : null;
  replace(
    host,
    h("h2", {}, `${kindFr(t.kind)} `, h("code", {}, t.reference)),
    t.patient === undefined ? null : h("p", { id: "detail-patient" }, "Patient : ", patientLabel(t)),
    h("p", { id: "detail-state" }, "État : ", badge(t.state, t.overdue)),
    versionLinks(t),
    routingList(t.routing, who),
    h("h3", {}, "Historique"),
    h(
      "ol",
      { class: "history" },
      ...history.map((e) =>
        h(
          "li",
          {},
          h("time", {}, frDateTime(str(e.at))),
          " — ",
          stateLabel(str(e.step) ?? str(e.state) ?? ""),
          memberName(str(e.memberRef), who),
        ),
      ),
    ),
    h("div", { class: "actions no-print" }, pdf, cda === null ? null : " ", cda),
  );
}

/** Renders the list (and the selected transfer); returns a function that stops the refresh. */
export function transfersPage(root: HTMLElement, selected: string | undefined): () => void {
  const filter = h(
    "select",
    { id: "state-filter" },
    h("option", { value: "" }, "Tous les états"),
    ...["queued", "sent", "delivered", "read", "acknowledged", "failed"].map((s) =>
      h("option", { value: s }, stateLabel(s)),
    ),
    h("option", { value: "overdue" }, "En retard (non acquittés)"),
  );
  const body = h("tbody");
  const head = h("tr");
  let withPatient: boolean | undefined;
  const msg = h("div");
  const detailHost = h("section", { class: "detail", "aria-live": "polite" });
  root.append(
    h("h1", {}, "Suivi des envois"),
    h("div", { class: "field inline no-print" }, h("label", { for: "state-filter" }, "Filtrer"), filter),
    h("table", { class: "transfers", id: "transfers" }, h("thead", {}, head), body),
    msg,
    detailHost,
  );
  let stopped = false;
  const refresh = async (): Promise<void> => {
    const q =
      filter.value === "" ? "" : filter.value === "overdue" ? "?overdue=true" : `?state=${filter.value}`;
    try {
      const list = await getJson<unknown>(`/transfers${q}`);
      const rows = listOf(list).map(transferOf);
      const who = await directoryNames();
      // The patient column appears when the API names patients (roles that handle sheets).
      const patients = rows.some((t) => t.patient !== undefined);
      if (withPatient !== patients) {
        withPatient = patients;
        const cols = [
          "Référence",
          "Fiche",
          ...(patients ? ["Patient"] : []),
          "Créé le",
          "Destinataires",
          "État",
        ];
        replace(head, ...cols.map((c) => h("th", { scope: "col" }, c)));
      }
      replace(body, ...rows.map((t) => row(t, selected, who, patients)));
      replace(msg, rows.length === 0 ? h("p", { class: "muted" }, "Aucun envoi.") : null);
      if (selected !== undefined) await detail(detailHost, selected, who);
    } catch (e) {
      replace(msg, notice("error", describeError(e)));
    }
  };
  filter.addEventListener("change", () => void refresh());
  const loop = async (): Promise<void> => {
    while (!stopped) {
      await refresh();
      await new Promise((r) => setTimeout(r, REFRESH_MS));
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}
