/**
 * A tele-expertise request as a FHIR `ServiceRequest` (ANS guide "Télé-expertise": intent
 * `proposal`, requester and performer PractitionerRoles, subject the patient with the INS) and the
 * patient's recorded consent as a `Consent` it points to (avenant 9: consent is required).
 */
import type { SheetData } from "../forms/index.ts";
import type { TransferState } from "../transfers/index.ts";
import type { EntryCollector } from "./entries.ts";
import { loinc, SYSTEM } from "./systems.ts";
import type {
  Consent,
  DocumentReference,
  Patient,
  PractitionerRole,
  Reference,
  ServiceRequest,
} from "./types.ts";

/** The request's status from the transfer's: in flight `active`, answered `completed`, failed `revoked`. */
export function requestStatus(state: TransferState): ServiceRequest["status"] {
  switch (state) {
    case "answered":
      return "completed";
    case "failed":
      return "revoked";
    case "queued":
    case "sent":
    case "delivered":
    case "read":
    case "acknowledged":
      return "active";
  }
}

const PRIORITY: Readonly<Record<string, ServiceRequest["priority"]>> = {
  routine: "routine",
  soon: "urgent",
  urgent: "asap",
};

const MODALITY: Readonly<Record<string, string>> = {
  oral: "Consentement oral",
  written: "Consentement écrit",
  legalRepresentative: "Consentement du représentant légal",
};

type Obj = Readonly<Record<string, unknown>>;
const text = (o: Obj, k: string): string | undefined => {
  const v = o[k];
  return typeof v === "string" && v !== "" ? v : undefined;
};

export interface RequestParties {
  readonly transferId: string;
  readonly state: TransferState;
  readonly patient: Reference<Patient>;
  readonly requester: Reference<PractitionerRole>;
  readonly performer: Reference<PractitionerRole>;
  readonly document: Reference<DocumentReference>;
}

/** Adds the Consent and the ServiceRequest; returns both references (request first). */
export function addServiceRequest(c: EntryCollector, data: SheetData, p: RequestParties): Reference[] {
  const consent: Obj = data["consent"] ?? {};
  const request: Obj = data["request"] ?? {};
  const expert: Obj = data["expert"] ?? {};
  const date = text(consent, "date");
  const modality = MODALITY[text(consent, "modality") ?? ""];
  const consentRef = c.add("consent", (): Consent => ({
    resourceType: "Consent",
    status: consent["recorded"] === true ? "active" : "proposed",
    scope: { coding: [{ system: SYSTEM.consentScope, code: "treatment", display: "Treatment" }] },
    category: [
      { coding: [loinc("59284-0", "Patient Consent")] },
      ...(modality === undefined ? [] : [{ text: modality }]),
    ],
    patient: p.patient,
    ...(date === undefined ? {} : { dateTime: date }),
    policyRule: {
      coding: [{ system: SYSTEM.consentPolicy, code: "OPTIN", display: "opt-in" }],
      text: "Art. L1111-4 CSP ; avenant 9 à la convention médicale (télé-expertise)",
    },
  }));
  const specialty = text(expert, "specialty");
  const question = text(request, "question");
  const context = text(request, "context");
  const requestedAt = text(request, "requestedAt");
  const answerBy = text(request, "answerBy");
  const priority = PRIORITY[text(request, "urgency") ?? ""];
  const sr = c.add("service-request", (): ServiceRequest => ({
    resourceType: "ServiceRequest",
    identifier: [{ system: SYSTEM.transfer, value: p.transferId }],
    status: requestStatus(p.state),
    intent: "proposal",
    ...(priority === undefined ? {} : { priority }),
    code: { text: "Télé-expertise (avenant 9 : acte TE2, demande RQD)" },
    subject: p.patient,
    ...(requestedAt === undefined ? {} : { authoredOn: requestedAt }),
    requester: p.requester,
    ...(specialty === undefined ? {} : { performerType: { text: specialty } }),
    performer: [p.performer],
    ...(question === undefined ? {} : { reasonCode: [{ text: question }] }),
    ...(context === undefined ? {} : { note: [{ text: context }] }),
    ...(answerBy === undefined ? {} : { occurrencePeriod: { end: answerBy } }),
    supportingInfo: [consentRef, p.document],
  }));
  return [sr, consentRef];
}
