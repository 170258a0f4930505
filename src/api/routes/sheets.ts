/** `POST /sheets/preview` (validated, rendered, unsigned PDF) and `POST /verify` (a PDF's signature report). */
import { Router } from "express";
import { fieldError } from "../../core/index.ts";
import { validateSheet } from "../../forms/index.ts";
import { renderSheet, verifyPdf } from "../../pdf/index.ts";
import { route } from "./route.ts";
import type { ApiServices } from "../services.ts";
import { checkBody } from "../validate.ts";
import { pdfReportView } from "../views.ts";

/** The sheet id printed on previews: a preview is never signed nor stored. */
export const PREVIEW_SHEET_ID = "APERCU-NON-SIGNE";

export function sheetRoutes(services: ApiServices): Router {
  const r = Router();
  route(r, "post", "/sheets/preview", { roles: ["sender"], body: "application/json" }, async (req, res) => {
    const sheet = validateSheet(checkBody(services.forms, req.body, "Sheet"), services.forms);
    const pdf = await renderSheet(sheet.form, sheet.data, {
      clock: services.clock,
      sheetId: PREVIEW_SHEET_ID,
    });
    res.type("application/pdf").setHeader("Content-Disposition", 'inline; filename="apercu.pdf"');
    res.send(pdf);
  });
  route(r, "post", "/verify", { body: "application/pdf" }, async (req, res) => {
    const body: unknown = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw fieldError("NOT_A_PDF", "the request body is empty", "body", "pdf", {
        en: "a PDF is required",
        fr: "un PDF est requis",
      });
    }
    const report = await verifyPdf(body, { trustedCas: services.trustedCas, clock: services.clock });
    res.json(pdfReportView(report));
  });
  return r;
}
