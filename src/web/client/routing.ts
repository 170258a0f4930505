/**
 * A hospital document's transfer in the follow-up view: who receives it and why — each routing
 * line's source and reason (src/documents/routing.ts) in French (routing-fr.ts) — and the links
 * between the versions of the document (CDA relatedDocument RPLC, MDM^T10): « Remplace … » /
 * « Remplacé par … », each a link to the other transfer by its id (`#/suivi/<id>`, never patient
 * data).
 */
import { h } from "./dom.ts";
import { reasonFr, sourceFr } from "./routing-fr.ts";
import type { RoutingLine, TransferLink, TransferRow } from "./shapes.ts";

/** « Destinataires et motifs »: one line per recipient, in routing order; null for sheets. */
export function routingList(lines: readonly RoutingLine[], who: Map<string, string>): HTMLElement | null {
  if (lines.length === 0) return null;
  return h(
    "section",
    { id: "detail-routing" },
    h("h3", {}, "Destinataires et motifs"),
    h(
      "ul",
      { class: "routing" },
      ...lines.map((l) =>
        h(
          "li",
          { "data-rpps": l.rpps, "data-source": l.source },
          h("strong", { class: "routing-who" }, who.get(l.rpps) ?? `RPPS ${l.rpps}`),
          " — ",
          h("span", { class: "routing-source" }, sourceFr(l.source)),
          " : ",
          h("span", { class: "routing-reason", "data-reason": l.reason }, reasonFr(l.reason)),
        ),
      ),
    ),
  );
}

const link = (id: string, label: string, to: TransferLink): HTMLElement =>
  h(
    "a",
    { id, href: `#/suivi/${encodeURIComponent(to.id)}`, "data-transfer": to.id },
    `${label} `,
    h("code", {}, to.reference),
  );

/** « Remplace DOC-… » / « Remplacé par DOC-… » when the document has other versions; else null. */
export function versionLinks(t: TransferRow): HTMLElement | null {
  if (t.replaces === undefined && t.replacedBy === undefined) return null;
  return h(
    "p",
    { id: "detail-versions" },
    t.replaces === undefined ? null : link("link-replaces", "Remplace", t.replaces),
    t.replaces !== undefined && t.replacedBy !== undefined ? " · " : null,
    t.replacedBy === undefined ? null : link("link-replaced-by", "Remplacé par", t.replacedBy),
  );
}
