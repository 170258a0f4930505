/**
 * The hospital's own documents over HTTP (CI-SIS « Transmission de document(s) CDA » by another
 * channel than HL7 v2):
 * - `POST /documents`: a CDA R2 (`application/hl7-cda+xml`, `application/xml`), a PDF with its
 *   metadata (`multipart/form-data`, RFC 7578) or a FHIR R4 DocumentReference / document Bundle
 *   (`application/fhir+json`) → the documents service; 201 when new, 200 when the document id was
 *   already received. Role `sender`, as a hospital's service account or staff (as `POST /adt/events`).
 *   Patient data only in the body: the operation takes no query parameter (queryGuard).
 * - `GET /documents/to-route` and `POST /documents/{ref}/assign`: the coordinator queue
 *   « à orienter »; `ref` is an opaque reference (intake/refs.ts), never the document's own id.
 */
import express, { Router } from "express";
import type { PasserelleError } from "../../core/index.ts";
import { fieldError } from "../../core/index.ts";
import type { ReceivedDocument } from "../../documents/index.ts";
import { handler, pathParam } from "../http.ts";
import { route } from "./route.ts";
import { documentRefs, incomingFromCda, incomingFromFhir, incomingFromMultipart } from "../intake/index.ts";
import { refuse } from "../intake/issues.ts";
import { principalOf, requireRole } from "../principal.ts";
import type { ApiServices, DocumentServices } from "../services.ts";
import { checkBody } from "../validate.ts";
import { hospitalSender } from "./adt.ts";

/** A document body: a PDF of 20 MB is 27 MB in base64 inside FHIR JSON. */
export const DOCUMENT_LIMIT = "30mb";
const CDA_TYPES = ["application/hl7-cda+xml", "application/xml"];
const TYPES = [...CDA_TYPES, "multipart/form-data", "application/fhir+json"];

function documentsOf(services: ApiServices): DocumentServices {
  if (services.documents === undefined) {
    throw fieldError(
      "CONFLICT",
      "document intake is not enabled on this server",
      "url",
      "documentsDisabled",
      { en: "document intake not enabled", fr: "réception de documents non activée" },
    );
  }
  return services.documents;
}

/** The receipt as documented (`DocumentReceipt`). */
const receipt = (r: ReceivedDocument) => ({
  documentId: r.documentId,
  ...(r.transferId === undefined ? {} : { transferId: r.transferId }),
  outcome: r.outcome,
  duplicate: r.duplicate,
  routing: r.routing.map((x) => ({ rpps: x.rpps, source: x.source, reason: x.reason })),
});

const notQueued = (): PasserelleError =>
  refuse(
    "ref",
    "notFound",
    "no such document waiting « à orienter »",
    "aucun document à orienter sous cette référence",
    "NOT_FOUND",
  );

export function documentRoutes(services: ApiServices): Router {
  const r = Router();
  const refs = documentRefs();

  r.post(
    "/documents",
    requireRole("sender"),
    express.raw({ type: TYPES, limit: DOCUMENT_LIMIT }),
    handler(async (req, res) => {
      await hospitalSender(services, principalOf(res));
      const documents = documentsOf(services);
      const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
      const body: unknown = req.body;
      if (!TYPES.includes(type) || !Buffer.isBuffer(body)) {
        throw refuse(
          "content-type",
          "mediaType",
          `one of ${TYPES.join(", ")} expected`,
          `attendu : ${TYPES.join(", ")}`,
          "UNSUPPORTED_MEDIA_TYPE",
        );
      }
      const incoming = CDA_TYPES.includes(type)
        ? incomingFromCda(body)
        : type === "application/fhir+json"
          ? incomingFromFhir(services.forms, body)
          : incomingFromMultipart(services.forms, body, req.headers["content-type"] ?? "");
      const received = await documents.receive(incoming);
      res.status(received.duplicate ? 200 : 201).json(receipt(received));
    }),
  );

  route(r, "get", "/documents/to-route", { roles: ["coordinator"] }, async (_req, res, p) => {
    const items = await documentsOf(services).toRoute({ actor: p.actor, withPatient: true });
    res.json({
      items: items.map((i) => ({
        ref: refs.ref(i.documentId),
        documentId: i.documentId,
        receivedAt: i.receivedAt,
        typeCode: i.typeCode,
        ...(i.title === undefined ? {} : { title: i.title }),
        ...(i.patient === undefined ? {} : { patient: i.patient }),
      })),
    });
  });

  route(
    r,
    "post",
    "/documents/:ref/assign",
    { roles: ["coordinator"], body: "application/json" },
    async (req, res, p) => {
      const documents = documentsOf(services);
      const ref = pathParam(req, "ref");
      if (!/^d[0-9a-f]{40}$/.test(ref)) throw notQueued();
      const body = checkBody(services.forms, req.body, "AssignRequest");
      const waiting = await documents.toRoute({ actor: p.actor, withPatient: false });
      const item = waiting.find((i) => refs.ref(i.documentId) === ref);
      if (item === undefined) throw notQueued();
      res.json(receipt(await documents.assign(item.documentId, body.recipients, p.actor)));
    },
  );
  return r;
}
