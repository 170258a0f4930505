/**
 * `GET /transfers/{id}/cda`: the sheet as a CI-SIS CDA R2 document (`application/xml`, RFC 7303):
 * LDL-SES, LDL-EES or TLM-DA as embedded in the signed PDF, TLM-CR built around the signed answer
 * PDF. Same visibility rules as the PDF download (outside the caller's scope: 404) and audited like
 * it (`access.downloaded`, with the signed PDF's hash) before the body is sent.
 */
import { Router } from "express";
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { transferCda } from "../../transfers/index.ts";
import { route } from "./route.ts";
import type { ApiServices } from "../services.ts";
import { visibleStatus } from "./transfers.ts";

export function cdaRoutes(services: ApiServices): Router {
  const r = Router();
  route(r, "get", "/transfers/:id/cda", {}, async (req, res, p) => {
    const s = await visibleStatus(services, req, p);
    const cda = await transferCda(services.db.knex, services.forms, s.transfer.id);
    await services.trail.append(
      auditEvent("access.downloaded", {
        actor: p.actor,
        transfer: s.transfer.id,
        sheet: cda.sheetId,
        pdfSha256: cda.pdfSha256,
        patient: cda.patientRef as PatientRef,
      }),
    );
    res
      .type("application/xml")
      .setHeader("Content-Disposition", `attachment; filename="passerelle-${cda.sheetId}.cda.xml"`);
    res.send(cda.xml);
  });
  return r;
}
