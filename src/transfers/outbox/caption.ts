/**
 * The caption and the file name of a sheet's Matrix message — what a professional reads in her
 * room list before opening the PDF (Matrix client-server API v1.10+, §"m.file": a `body` that
 * differs from `filename` is a caption; `formatted_body` in `org.matrix.custom.html`).
 *
 * Both travel only inside the encrypted event: the caption names the patient (name, birth date),
 * the establishment and unit, the dates, what needs the recipient (treatment changed at discharge,
 * results awaited, follow-up to organise, an answer due…), the transfer's short reference and how
 * to acknowledge. Withdrawals, replacements, reminders and answers say so and name the earlier
 * sheet they concern. The builder is generic: it reads the usual places of the sheet data of every
 * form (`patient`, `establishment`/`stay`/`sender`/`requester`, the kind's dates), so that a form's
 * wording can change without touching it.
 */
import { transferReference, KIND_FR } from "../record/index.ts";

type Data = Readonly<Record<string, unknown>>;

/** What the caption is about. */
export interface CaptionInput {
  readonly kind: string;
  readonly transferId: string;
  readonly data: unknown;
  /** The date to use when the sheet has none of its own (the transfer's creation). */
  readonly fallbackDate: Date;
  /** The earlier sheet this one concerns (withdrawn, replaced, answered). */
  readonly concerns?: { readonly kind: string; readonly transferId: string };
}

export interface Caption {
  /** Plain-text caption (`body`). */
  readonly body: string;
  /** The same in HTML (`formatted_body`, `format: org.matrix.custom.html`). */
  readonly html: string;
  /** ASCII file name: kind, patient's family name, date — e.g. `lettre-de-sortie-MARTIN-2026-12-04.pdf`. */
  readonly filename: string;
  /** What the message is: a sheet, or a withdrawal / replacement / reminder / answer of one. */
  readonly role: SheetRole;
}

export type SheetRole = "sheet" | "withdrawal" | "replacement" | "reminder" | "answer";

const FILE_SLUG: Readonly<Record<string, string>> = {
  discharge: "lettre-de-sortie",
  admission: "fiche-d-entree",
  "teleexpertise-request": "demande-teleexpertise",
  "teleexpertise-answer": "reponse-teleexpertise",
  "admission-notice": "avis-hospitalisation",
  "discharge-notice": "avis-sortie",
  document: "document",
};

/**
 * How to acknowledge: an encrypted reply. Reactions are never encrypted by Matrix clients
 * (matrix-js-sdk, hence Element, sends `m.reaction` in clear), so a ✅ cannot prove the device.
 */
const ACK_FR = "Pour en accuser réception : répondez !ack à ce message.";

const rec = (v: unknown): Data =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Data) : {};
const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
const count = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

/** `YYYY-MM-DD` of an ISO date or date-time, as written (the sheet's own local date). */
const isoDay = (v: unknown): string | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(str(v) ?? "");
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
};
const frDay = (v: unknown): string | undefined => {
  const d = isoDay(v);
  return d === undefined ? undefined : d.split("-").reverse().join("/");
};

/** Upper-case ASCII letters, digits and hyphens only (for file names). */
export function asciiSlug(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[Œœ]/g, "OE")
    .replace(/[Ææ]/g, "AE")
    .replace(/ß/g, "SS")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}

/** What kind of message a sheet's data make it. */
export function sheetRole(kind: string, data: unknown): SheetRole {
  const notice = rec(rec(data).notice);
  if (notice.status === "withdrawn" || rec(rec(data).document).cancellation === true) return "withdrawal";
  if (notice.status === "letterDue" || notice.status === "letterMissing") return "reminder";
  if (str(notice.replaces) !== undefined || str(rec(data).replaces) !== undefined) return "replacement";
  return kind === "teleexpertise-answer" ? "answer" : "sheet";
}

function patientLine(d: Data): string | undefined {
  const p = rec(d.patient);
  const last = str(p.lastName);
  if (last === undefined) return undefined;
  const first = str(p.usedFirstName) ?? str(p.firstNames)?.split(/\s+/)[0];
  const born = frDay(p.birthDate);
  const nee = p.sex === "F" ? "née" : p.sex === "M" ? "né" : "né(e)";
  return `${last.toUpperCase()}${first === undefined ? "" : ` ${first}`}${born === undefined ? "" : `, ${nee} le ${born}`}`;
}

function placeLine(d: Data): string | undefined {
  const e = rec(d.establishment);
  const s = rec(d.stay);
  const name =
    str(e.name) ??
    str(s.establishment) ??
    str(rec(d.sender).structureName) ??
    str(rec(d.requester).practice) ??
    (str(rec(d.expert).name) === undefined
      ? undefined
      : `${str(rec(d.expert).name) ?? ""}${str(rec(d.expert).specialty) === undefined ? "" : ` (${str(rec(d.expert).specialty) ?? ""})`}`);
  const unit = str(e.unit) ?? str(s.unit);
  const parts = [name, unit].filter((x): x is string => x !== undefined);
  return parts.length === 0 ? undefined : parts.join(" — ");
}

/** The dates that matter, per the usual fields of the forms. */
function dateLine(d: Data): string | undefined {
  const s = rec(d.stay);
  const from = frDay(s.admissionDate) ?? frDay(s.admittedAt);
  const to = frDay(s.dischargeDate) ?? frDay(s.dischargedAt);
  if (from !== undefined && to !== undefined) return `Séjour du ${from} au ${to}`;
  if (to !== undefined) return `Sortie le ${to}`;
  if (from !== undefined) return `Entrée le ${from}`;
  const planned = frDay(rec(d.referral).plannedDate);
  if (planned !== undefined) return `Entrée prévue le ${planned}`;
  const written = frDay(rec(d.document).effectiveTime);
  if (written !== undefined) return `Document du ${written}`;
  const asked = frDay(rec(d.request).requestedAt);
  const answered = frDay(rec(d.answer).answeredAt);
  if (answered !== undefined)
    return `Avis du ${answered}${asked === undefined ? "" : ` (demande du ${asked})`}`;
  return asked === undefined ? undefined : `Demande du ${asked}`;
}

/** What needs the recipient, from the sheet data when present. */
export function needsFr(kind: string, data: unknown): string[] {
  const d = rec(data);
  const out: string[] = [];
  const t = rec(d.treatments);
  const changed =
    count(t.stoppedOrModified) > 0 ||
    (Array.isArray(t.atDischarge) &&
      t.atDischarge.some((m) => rec(m).status === "started" || rec(m).status === "modified"));
  if (kind === "discharge" && changed) out.push("traitement de sortie modifié");
  const pending = count(rec(d.pending).items);
  if (pending > 0)
    out.push(`${String(pending)} résultat${pending > 1 ? "s" : ""} attendu${pending > 1 ? "s" : ""}`);
  const f = rec(d.followUp);
  const rdv = count(f.appointments);
  if (rdv > 0 || str(f.socialFollowUp) !== undefined || str(f.nursingInstructions) !== undefined)
    out.push(rdv > 0 ? `suivi à organiser (${String(rdv)} rendez-vous)` : "suivi à organiser");
  const r = rec(d.request);
  const by = frDay(r.answerBy);
  if (kind === "teleexpertise-request")
    out.push(
      `avis demandé${r.urgency === "urgent" ? " en urgence" : ""}${by === undefined ? "" : ` avant le ${by}`}`,
    );
  const a = rec(d.answer);
  if (a.consultationNeeded === true)
    out.push(
      `consultation à prévoir${str(a.consultationDelay) === undefined ? "" : ` : ${str(a.consultationDelay) ?? ""}`}`,
    );
  const n = rec(d.notice);
  if (n.admissionSheetRequested === true) out.push("l’unité attend la fiche de liaison d’entrée");
  if (n.status === "letterDue") out.push("la lettre de liaison de sortie est due le jour de la sortie");
  if (n.status === "letterMissing") out.push("la lettre de liaison de sortie n’a pas été envoyée");
  if (n.status === "admissionUnknown")
    out.push("admission non reçue par le réseau : la sortie est signalée sans hospitalisation connue");
  return out;
}

/** The date of the file name: the sheet's main date, else `fallback`. */
function fileDay(d: Data, fallback: Date): string {
  const s = rec(d.stay);
  return (
    isoDay(s.dischargeDate) ??
    isoDay(s.dischargedAt) ??
    isoDay(s.admissionDate) ??
    isoDay(s.admittedAt) ??
    isoDay(rec(d.referral).plannedDate) ??
    isoDay(rec(d.answer).answeredAt) ??
    isoDay(rec(d.request).requestedAt) ??
    isoDay(rec(d.document).effectiveTime) ??
    fallback.toISOString().slice(0, 10)
  );
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Builds the caption and the file name of a sheet's message. */
export function sheetCaption(input: CaptionInput): Caption {
  const d = rec(input.data);
  const role = sheetRole(input.kind, input.data);
  // A hospital's document (kind `document`) is titled by its own title (CDA `title`, TXA-2 label).
  const document = input.kind === "document" ? rec(d.document) : undefined;
  const kindFr = str(document?.title) ?? KIND_FR[input.kind] ?? "Fiche de liaison";
  const reference = transferReference(input.kind, input.transferId);
  const earlier =
    input.concerns === undefined
      ? undefined
      : transferReference(input.concerns.kind, input.concerns.transferId);
  const lowerKind = kindFr.charAt(0).toLowerCase() + kindFr.slice(1);
  const title =
    role === "withdrawal"
      ? `Annulation : ${lowerKind}`
      : role === "replacement"
        ? `Remplacement : ${lowerKind}`
        : role === "reminder"
          ? "Rappel : lettre de liaison de sortie"
          : kindFr;
  const patient = patientLine(d);
  const lines: string[] = [patient === undefined ? title : `${title} — ${patient}`];
  if (role === "withdrawal" && document !== undefined)
    lines.push(
      `${earlier === undefined ? "Le document envoyé plus tôt" : `Le document réf. ${earlier}`} est annulé par l’établissement. Ne pas en tenir compte.`,
    );
  else if (role === "withdrawal")
    lines.push(
      `${earlier === undefined ? "L’avis envoyé plus tôt" : `L’avis réf. ${earlier}`} est retiré : l’établissement a annulé ce mouvement. Ne pas en tenir compte.`,
    );
  if (role === "replacement")
    lines.push(
      document === undefined
        ? `Remplace ${earlier === undefined ? "la fiche envoyée plus tôt" : `la fiche réf. ${earlier}`}.`
        : `Remplace ${earlier === undefined ? "le document envoyé plus tôt" : `le document réf. ${earlier}`} (nouvelle version).`,
    );
  if (role === "answer" && earlier !== undefined) lines.push(`Réponse à la demande réf. ${earlier}.`);
  const place = placeLine(d);
  if (place !== undefined) lines.push(place);
  const dates = dateLine(d);
  if (dates !== undefined) lines.push(dates);
  const needs = role === "withdrawal" ? [] : needsFr(input.kind, input.data);
  if (needs.length > 0) lines.push(`À faire : ${needs.join(" ; ")}.`);
  // The hospital's message for professionals (CI-SIS metadata CORPSMAIL_PS), as sent.
  const message = str(document?.message);
  if (message !== undefined) lines.push(message);
  lines.push(`Réf. ${reference}`);
  lines.push(role === "withdrawal" ? "Aucune action n’est attendue de votre part." : ACK_FR);
  const [head = "", ...rest] = lines;
  const html = `<p><strong>${escapeHtml(head)}</strong></p><p>${rest.map(escapeHtml).join("<br>")}</p>`;
  const prefix = role === "withdrawal" ? "annulation-" : role === "replacement" ? "remplacement-" : "";
  const slug =
    role === "reminder"
      ? (d.notice as Data | undefined)?.status === "letterMissing"
        ? "relance-lettre-de-sortie"
        : "rappel-lettre-de-sortie"
      : (FILE_SLUG[input.kind] ?? "fiche-de-liaison");
  const family = asciiSlug(str(rec(d.patient).lastName) ?? "");
  const filename = `${prefix}${slug}${family === "" ? "" : `-${family}`}-${fileDay(d, input.fallbackDate)}.pdf`;
  return { body: lines.join("\n"), html, filename, role };
}
