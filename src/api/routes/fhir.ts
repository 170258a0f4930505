/**
 * `GET /transfers/{id}/fhir`: the transfer as a FHIR R4 document Bundle (`application/fhir+json`,
 * FHIR R4 §3.1.1.2 "JSON" media type), built by the domain module `src/fhir`. Visible under the
 * same role rules as `GET /transfers/{id}` (outside the caller's scope: 404) and audited as an
 * access (`access.exported`) before the body is sent.
 */
import { Router } from "express";
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { exportTransferFhir } from "../../fhir/index.ts";
import { TransferRepository } from "../../transfers/index.ts";
import { pathParam } from "../http.ts";
import { route } from "./route.ts";
import { notFound } from "./transfers.ts";
import { assertVisible } from "../scope.ts";
import type { ApiServices } from "../services.ts";

export const FHIR_JSON = "application/fhir+json";

export function fhirRoutes(services: ApiServices): Router {
  const r = Router();
  route(r, "get", "/transfers/:id/fhir", {}, async (req, res, p) => {
    const id = pathParam(req, "id");
    if (!/^[A-Za-z0-9._:-]{1,100}$/.test(id)) throw notFound();
    await assertVisible(services, p, id);
    const transfer = await new TransferRepository(services.db.knex).get(id);
    if (transfer === undefined) throw notFound();
    const bundle = await exportTransferFhir(services.db.knex, services.forms, id);
    await services.trail.append(
      auditEvent("access.exported", {
        actor: p.actor,
        transfer: transfer.id,
        sheet: transfer.sheetId,
        pdfSha256: transfer.pdfSha256,
        patient: transfer.patientRef as PatientRef,
      }),
    );
    res.type(FHIR_JSON).send(JSON.stringify(bundle));
  });
  return r;
}
