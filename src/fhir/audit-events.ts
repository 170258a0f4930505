/**
 * A transfer's audit entries as FHIR `AuditEvent`s (ANS "Traçabilité des événements"): one per
 * entry, in chain order. The type is the ISO 21089 lifecycle event, the subtype Passerelle's
 * action; agents are the actor (and the recipient member, when there is one); entities are the
 * signed document, the patient and the chain link (seq, hash, previous hash, Matrix ids), so an
 * exported event can be matched to the verifiable audit trail. Ids and hashes only, as in the
 * trail itself.
 */
import type { AuditAction, AuditEntry } from "../audit/index.ts";
import type { EntryCollector } from "./entries.ts";
import { rppsIdentifier, SYSTEM } from "./systems.ts";
import type { AuditEvent, Device, DocumentReference, Patient, Practitioner, Reference } from "./types.ts";

type Lifecycle = readonly [code: string, display: string, action: NonNullable<AuditEvent["action"]>];

/** Passerelle action → ISO 21089 lifecycle event and FHIR action (C/R/U/D/E). */
export const LIFECYCLE: Readonly<Record<AuditAction, Lifecycle>> = {
  "transfer.created": ["originate", "Originate/Retain Record Lifecycle Event", "C"],
  "transfer.validated": ["verify", "Verify Record Lifecycle Event", "E"],
  "transfer.signed": ["attest", "Attest Record Lifecycle Event", "E"],
  "transfer.queued": ["transmit", "Transmit Record Lifecycle Event", "E"],
  "transfer.sent": ["transmit", "Transmit Record Lifecycle Event", "E"],
  "transfer.delivered": ["receive", "Receive/Retain Record Lifecycle Event", "E"],
  "transfer.read": ["access", "Access/View Record Lifecycle Event", "R"],
  "transfer.acknowledged": ["receive", "Receive/Retain Record Lifecycle Event", "U"],
  "transfer.answered": ["amend", "Amend (Update) Record Lifecycle Event", "U"],
  "transfer.failed": ["transmit", "Transmit Record Lifecycle Event", "E"],
  "transfer.retried": ["transmit", "Transmit Record Lifecycle Event", "E"],
  "transfer.escalated": ["transmit", "Transmit Record Lifecycle Event", "E"],
  "transfer.ack_unproven": ["receive", "Receive/Retain Record Lifecycle Event", "E"],
  "transfer.resend_requested": ["access", "Access/View Record Lifecycle Event", "E"],
  "transfer.resent": ["transmit", "Transmit Record Lifecycle Event", "E"],
  "member.added": ["originate", "Originate/Retain Record Lifecycle Event", "C"],
  "member.changed": ["amend", "Amend (Update) Record Lifecycle Event", "U"],
  "member.removed": ["deactivate", "Deactivate Record Lifecycle Event", "D"],
  "access.downloaded": ["access", "Access/View Record Lifecycle Event", "R"],
  "access.verified": ["verify", "Verify Record Lifecycle Event", "R"],
  "access.viewed": ["access", "Access/View Record Lifecycle Event", "R"],
  "access.exported": ["disclose", "Disclose Record Lifecycle Event", "R"],
  "circle.joined": ["amend", "Amend (Update) Record Lifecycle Event", "U"],
  "circle.left": ["amend", "Amend (Update) Record Lifecycle Event", "U"],
  "circle.objection_recorded": ["amend", "Amend (Update) Record Lifecycle Event", "U"],
  "circle.objection_lifted": ["amend", "Amend (Update) Record Lifecycle Event", "U"],
  "circle.notice_suppressed": ["hold", "Hold Record Lifecycle Event", "E"],
  "adt.accepted": ["receive", "Receive/Retain Record Lifecycle Event", "C"],
  "adt.rejected": ["receive", "Receive/Retain Record Lifecycle Event", "E"],
  "adt.duplicate": ["receive", "Receive/Retain Record Lifecycle Event", "E"],
  "adt.letter_missing": ["report", "Report (Output) Record Lifecycle Event", "E"],
  "document.received": ["receive", "Receive/Retain Record Lifecycle Event", "C"],
  "document.duplicate": ["receive", "Receive/Retain Record Lifecycle Event", "E"],
  "document.routed": ["transmit", "Transmit Record Lifecycle Event", "E"],
  "document.queued_for_routing": ["hold", "Hold Record Lifecycle Event", "E"],
  "document.masked": ["hold", "Hold Record Lifecycle Event", "E"],
  "document.assigned": ["transmit", "Transmit Record Lifecycle Event", "E"],
  "document.replaced": ["amend", "Amend (Update) Record Lifecycle Event", "U"],
  "document.escalated": ["report", "Report (Output) Record Lifecycle Event", "E"],
};

/** The agent for an audit actor: a practitioner of the bundle by RPPS, else an identifier. */
function who(c: EntryCollector, actor: string): Reference<Practitioner> {
  const rpps = /^rpps:(\d{11})$/.exec(actor)?.[1];
  if (rpps !== undefined) {
    return c.refOf(`practitioner:rpps:${rpps}`) ?? { identifier: rppsIdentifier(rpps) };
  }
  if (actor.startsWith("@")) return { identifier: { system: SYSTEM.matrixUser, value: actor } };
  return { identifier: { system: SYSTEM.actor, value: actor }, display: actor };
}

const detail = (type: string, valueString: string) => ({ type, valueString });

/** Adds one AuditEvent per entry; returns their references in order. */
export function addAuditEvents(
  c: EntryCollector,
  entries: readonly AuditEntry[],
  refs: {
    readonly document: Reference<DocumentReference>;
    readonly patient: Reference<Patient>;
    readonly hub: Reference<Device>;
  },
): Reference<AuditEvent>[] {
  return entries.map((e) =>
    c.add(`audit:${e.seq}`, () => {
      const [code, display, action] = LIFECYCLE[e.action];
      const chain = [
        detail("seq", String(e.seq)),
        detail("hash", e.hash),
        detail("prevHash", e.prevHash),
        ...(e.room === undefined ? [] : [detail("matrixRoom", e.room)]),
        ...(e.event === undefined ? [] : [detail("matrixEvent", e.event)]),
        ...(e.device === undefined ? [] : [detail("matrixDevice", e.device)]),
      ];
      const event: AuditEvent = {
        resourceType: "AuditEvent",
        type: { system: SYSTEM.lifecycle, code, display },
        subtype: [{ system: SYSTEM.auditAction, code: e.action }],
        action,
        recorded: e.time,
        outcome: e.outcome === "success" ? "0" : "4",
        ...(e.reason === undefined ? {} : { outcomeDesc: e.reason }),
        agent: [
          { who: who(c, e.actor), requestor: true },
          ...(e.member === undefined
            ? []
            : [
                {
                  who: who(c, e.member),
                  requestor: false,
                  type: {
                    coding: [
                      { system: SYSTEM.participationType, code: "IRCP", display: "information recipient" },
                    ],
                  },
                },
              ]),
        ],
        source: {
          observer: refs.hub,
          type: [{ system: "http://terminology.hl7.org/CodeSystem/security-source-type", code: "4" }],
        },
        entity: [
          {
            what: refs.document,
            type: { system: SYSTEM.entityType, code: "2", display: "System Object" },
            role: { system: SYSTEM.objectRole, code: "3", display: "Report" },
            ...(e.pdfSha256 === undefined ? {} : { detail: [detail("pdfSha256", e.pdfSha256)] }),
          },
          ...(e.patient === undefined
            ? []
            : [
                {
                  what: refs.patient,
                  type: { system: SYSTEM.entityType, code: "1", display: "Person" },
                  role: { system: SYSTEM.objectRole, code: "1", display: "Patient" },
                },
              ]),
          {
            what: { identifier: { system: SYSTEM.transfer, value: e.transfer ?? e.sheet ?? "" } },
            type: { system: SYSTEM.entityType, code: "4", display: "Other" },
            description: "passerelle audit chain link",
            detail: chain,
          },
        ],
      };
      return event;
    }),
  );
}
