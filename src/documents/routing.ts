/**
 * Who receives a hospital document, and why. Candidates come, in this order, from:
 * 1. `message` — the recipients the channel names (HL7 PRT participation `RCT` of the CI-SIS
 *    « Transmission de document(s) CDA en HL7v2 », the request's `--to` / `recipients`);
 * 2. `document` — the CDA header: `informationRecipient/intendedRecipient` and `participant`s
 *    whose id is a person's national id (`8` + RPPS under 1.2.250.1.71.4.2.1). An organisation's id
 *    (`receivedOrganization`, `scopingOrganization`, ids under 1.2.250.1.71.4.2.2) is never a person,
 *    even when its digits look like an RPPS;
 * 3. `stay` — the professionals the ADT feed named for the visit (ROL segments, IHE PAM France);
 * 4. `circle` — the patient's care circle, unless the patient objected (art. L1110-4 III CSP);
 *    every member was linked with the patient's informed or explicit agreement.
 * Every source adds its people, in that order: the physician the stay names and the care circle
 * receive the letter as well as whoever the hospital addressed it to. A candidate is kept when the
 * directory knows them, active, with a Matrix account the trust policy allows; the first source
 * that names someone gives their reason. Nobody reachable: the document waits in the coordinators'
 * queue « à orienter ».
 */
import type { PatientRef } from "../audit/index.ts";
import { stayPhysicians } from "../adt/index.ts";
import type { CdaReading } from "../cda/read/index.ts";
import { circleOf } from "../circles/index.ts";
import type { Recipient } from "../transfers/index.ts";
import { reachableMember } from "../transfers/index.ts";
import type { TransferContext } from "../transfers/index.ts";
import type { TrustPolicy } from "../trust/index.ts";
import type { IncomingDocument, RoutedRecipient, RoutingSource } from "./types.ts";

export interface RoutingDeps extends TransferContext {
  readonly trust?: TrustPolicy;
}

/** A candidate before the directory is asked. */
interface Candidate {
  readonly rpps: string;
  readonly source: RoutingSource;
  readonly reason: string;
}

/** ROL-3 role codes (HL7 table 0443 and IHE PAM France) → reason codes. */
const ROLE_REASONS: Readonly<Record<string, string>> = {
  ODRP: "adt.rol.treating",
  RP: "adt.rol.referring",
  AT: "adt.rol.attending",
  AD: "adt.rol.admitting",
  CP: "adt.rol.consulting",
  FHCP: "adt.rol.family",
  RT: "adt.rol.referred_to",
};

/** The routing decided: recipients with why, and the directory members to address. */
export interface Routing {
  readonly routing: readonly RoutedRecipient[];
  readonly members: readonly Recipient[];
}

/** The candidates of the sender's addressing: the message, then the document. */
export function addressedCandidates(incoming: IncomingDocument, reading?: CdaReading): Candidate[] {
  const out: Candidate[] = [];
  for (const r of incoming.recipients)
    if (r.rpps !== undefined) out.push({ rpps: r.rpps, source: "message", reason: "message.recipient" });
  if (reading !== undefined) {
    for (const r of reading.recipients)
      if (r.rpps !== undefined)
        out.push({
          rpps: r.rpps,
          source: "document",
          reason: r.type === "TRC" ? "cda.information_recipient.copy" : "cda.information_recipient",
        });
    for (const p of reading.participants)
      if (p.rpps !== undefined)
        out.push({
          rpps: p.rpps,
          source: "document",
          reason: `cda.participant.${(p.functionCode ?? p.type).toLowerCase().replace(/[^a-z0-9_]/g, "_") || "other"}`,
        });
  }
  return out;
}

/** Routes a document (see the module comment). */
export async function routeDocument(
  deps: RoutingDeps,
  incoming: IncomingDocument,
  reading: CdaReading | undefined,
  patient: PatientRef,
): Promise<Routing> {
  const candidates = addressedCandidates(incoming, reading);
  if (incoming.visitNumber !== undefined) {
    const stay = await stayPhysicians(deps.db.knex, patient, incoming.visitNumber);
    for (const p of stay?.physicians ?? [])
      candidates.push({
        rpps: p.rpps,
        source: "stay",
        reason: ROLE_REASONS[p.role] ?? `adt.rol.${p.role.toLowerCase()}`,
      });
  }
  const circle = await circleOf(deps.db.knex, patient);
  if (circle.objectionAt === undefined)
    for (const m of circle.members)
      if (m.rpps !== undefined)
        candidates.push({ rpps: m.rpps, source: "circle", reason: `circle.member.${m.consent}` });
  return reachable(deps, candidates);
}

/** Keeps the reachable candidates, each once, with the first source that named them. */
export async function reachable(deps: RoutingDeps, candidates: readonly Candidate[]): Promise<Routing> {
  const routing: RoutedRecipient[] = [];
  const members: Recipient[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.rpps)) continue;
    seen.add(c.rpps);
    const r = await reachableMember(deps, c.rpps);
    if (!("member" in r)) continue;
    routing.push({ rpps: c.rpps, source: c.source, reason: c.reason });
    members.push(r.member);
  }
  return { routing, members };
}
