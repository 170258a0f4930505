/**
 * Coordinator dashboard (`GET /api/v1/stats`): the share of discharge letters sent on the day of
 * discharge (HAS indicator « lettre de liaison à la sortie remise le jour de la sortie »),
 * unacknowledged transfers past their delay, tele-expertise requests by status and time to answer,
 * transfers by state — and audit-trail verification in one click (`POST /api/v1/audit/verify`).
 */
import { barChart, gauge } from "./charts.ts";
import { frDateTime, h, notice, replace } from "./dom.ts";
import { describeError, getJson, postJson } from "./http.ts";
import type { Json } from "./shapes.ts";
import { isRecord, num, str } from "./shapes.ts";

const obj = (v: unknown): Json => (isRecord(v) ? v : {});

/** `{ queued: 2, sent: 5 }` → entries with numbers only. */
function counts(v: unknown): [string, number][] {
  return Object.entries(obj(v)).flatMap(([k, n]) =>
    typeof n === "number" ? [[k, n] as [string, number]] : [],
  );
}

function hours(v: number | undefined): string {
  if (v === undefined) return "—";
  return v < 1 ? `${String(Math.round(v * 60))} min` : `${v.toFixed(1).replace(".", ",")} h`;
}

function kpi(id: string, label: string, value: string, hint: string): HTMLElement {
  return h(
    "div",
    { class: "kpi", id },
    h("p", { class: "kpi-value", "data-value": value }, value),
    h("p", { class: "kpi-label" }, label),
    h("p", { class: "muted" }, hint),
  );
}

/**
 * The dashboard for the caller's roles: the figures need `coordinator`; the audit check is open to
 * coordinators and auditors (the API's role table).
 */
export async function dashboardPage(root: HTMLElement, roles: readonly string[]): Promise<void> {
  root.append(h("h1", {}, "Tableau de bord de la CPTS"));
  if (roles.includes("coordinator")) await statsSection(root);
  root.append(auditSection(roles.includes("auditor") || roles.includes("coordinator")));
}

async function statsSection(root: HTMLElement): Promise<void> {
  const stats = obj(await getJson("/stats"));
  const discharge = obj(stats.dischargeSameDay);
  const tele = obj(stats.teleexpertise);
  const overdue = obj(stats.overdue);
  const letters = num(discharge.letters) ?? 0;
  const sameDay = num(discharge.sameDay) ?? 0;
  const share = num(discharge.share);
  const teleByState = counts(tele.byState).filter(
    ([k, v]) => v > 0 || ["queued", "sent", "answered"].includes(k),
  );
  root.append(
    h(
      "div",
      { class: "kpis" },
      kpi(
        "kpi-discharge",
        "Lettres de liaison de sortie",
        String(letters),
        `${String(sameDay)} envoyée(s) le jour de la sortie`,
      ),
      kpi(
        "kpi-overdue",
        "Non acquittés hors délai",
        String(num(overdue.total) ?? 0),
        "24 h pour une sortie, 72 h sinon",
      ),
      kpi(
        "kpi-tele",
        "Demandes de télé-expertise",
        String(num(tele.requests) ?? 0),
        `${String(num(tele.answered) ?? 0)} répondue(s) ; délai médian de réponse : ${hours(num(tele.medianHoursToAnswer))}`,
      ),
    ),
    h(
      "div",
      { class: "charts" },
      gauge(
        "Lettres envoyées le jour de la sortie (indicateur HAS)",
        share,
        `${String(sameDay)} sur ${String(letters)}`,
        "chart-same-day",
      ),
      barChart("Non acquittés hors délai, par type de fiche", counts(overdue.byKind), "chart-overdue"),
      barChart("Demandes de télé-expertise par état", teleByState, "chart-tele"),
    ),
    h(
      "p",
      { class: "muted" },
      `Données au ${frDateTime(str(stats.generatedAt) ?? new Date().toISOString())}.`,
    ),
  );
}

function auditSection(allowed: boolean): HTMLElement {
  const auditHost = h("div", { id: "audit-result", "aria-live": "polite" });
  const auditBtn = h(
    "button",
    { type: "button", id: "verify-audit", disabled: !allowed, "aria-describedby": "audit-role" },
    "Vérifier la piste d’audit",
  );
  const section = h(
    "section",
    { class: "audit" },
    h("h2", {}, "Piste d’audit"),
    h("p", {}, "Recalcule la chaîne de hachage et vérifie les points de contrôle signés."),
    auditBtn,
    allowed
      ? null
      : h(
          "p",
          { class: "help", id: "audit-role" },
          "Réservé au rôle « audit » : connectez-vous avec ce rôle.",
        ),
    auditHost,
  );
  auditBtn.addEventListener("click", () => {
    replace(auditHost, notice("info", "Vérification en cours…"));
    postJson<unknown>("/audit/verify", {}).then(
      (r) => {
        const rep = obj(r);
        const ok = rep.ok === true;
        const failure = obj(rep.failure);
        replace(
          auditHost,
          notice(
            ok ? "ok" : "error",
            ok
              ? `Piste d’audit intègre : ${String(num(rep.entries) ?? 0)} entrées, ${String(num(rep.checkpoints) ?? 0)} point(s) de contrôle signé(s).`
              : `Piste d’audit altérée à l’entrée n° ${String(num(failure.seq) ?? "?")} (${str(failure.reason) ?? "raison inconnue"}).`,
          ),
        );
      },
      (e: unknown) => {
        replace(auditHost, notice("error", describeError(e)));
      },
    );
  });
  return section;
}
