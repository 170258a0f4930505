/**
 * Transfers: create (the same `createTransfer` as `transfer send`), list, get, history, PDF
 * (acknowledge and answer: transfer-actions.ts). Every read of a sheet is audited (`access.viewed`,
 * `access.downloaded`); a transfer outside the caller's scope is a 404.
 */
import type { Request } from "express";
import { Router } from "express";
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import type { PasserelleError } from "../../core/index.ts";
import { fieldError } from "../../core/index.ts";
import type { PatientSummary, TransferStatus } from "../../transfers/index.ts";
import { TransferRepository, isOverdue, listTransfers, patientSummaries } from "../../transfers/index.ts";
import { pathParam } from "../http.ts";
import { route } from "./route.ts";
import type { Principal } from "../principal.ts";
import { assertVisible, readsSheets, scopeOf, senderUnitOf } from "../scope.ts";
import type { ApiServices } from "../services.ts";
import { checkBody, queryOf } from "../validate.ts";
import { transferView } from "../views.ts";

export const notFound = (): PasserelleError =>
  fieldError("NOT_FOUND", "transfer not found", "id", "notFound", {
    en: "no such transfer",
    fr: "transfert introuvable",
  });

/** Status of a visible transfer (shared with transfer-actions.ts); the id is checked first (malformed → 404, never echoed). */
export async function visibleStatus(
  services: ApiServices,
  req: Request,
  p: Principal,
): Promise<TransferStatus> {
  const raw = pathParam(req, "id");
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(raw)) throw notFound();
  await assertVisible(services, p, raw);
  return services.transferStatus(raw);
}

export function transferRoutes(services: ApiServices): Router {
  const r = Router();

  route(r, "post", "/transfers", { roles: ["sender"], body: "application/json" }, async (req, res, p) => {
    const body = checkBody(services.forms, req.body, "CreateTransferRequest");
    const unit = senderUnitOf(p);
    const created = await services.createTransfer({
      sheet: body.sheet,
      ...(body.to === undefined ? {} : { to: body.to }),
      ...(body.toUnit === undefined ? {} : { toUnit: body.toUnit }),
      actor: p.actor,
      ...(unit === undefined ? {} : { senderUnit: unit }),
    });
    res
      .status(201)
      .location(`/api/v1/transfers/${encodeURIComponent(created.transferId)}`)
      .json({
        id: created.transferId,
        reference: created.reference,
        sheetId: created.sheetId,
        state: "queued",
        pdfSha256: created.pdfSha256,
      });
  });

  route(r, "get", "/transfers", {}, async (req, res, p) => {
    const q = queryOf(services.forms, req, "GET /transfers");
    const { state, form, overdue, cursor } = q;
    const page = await listTransfers(
      services.db.knex,
      scopeOf(p),
      {
        limit: q.limit ?? 50,
        ...(state === undefined ? {} : { state }),
        ...(form === undefined ? {} : { form }),
        ...(overdue === undefined ? {} : { overdue: overdue === "true" }),
        ...(cursor === undefined ? {} : { cursor }),
      },
      services.clock.now(),
    );
    const patients = readsSheets(p)
      ? await patientSummaries(
          services.db.knex,
          page.items.map((t) => t.id),
        )
      : new Map<string, PatientSummary>();
    res.json({
      items: page.items.map((t) => transferView(t, patients.get(t.id))),
      ...(page.next === undefined ? {} : { next: page.next }),
    });
  });

  route(r, "get", "/transfers/:id", {}, async (req, res, p) => {
    const s = await visibleStatus(services, req, p);
    await services.trail.append(
      auditEvent("access.viewed", {
        actor: p.actor,
        transfer: s.transfer.id,
        sheet: s.transfer.sheetId,
        patient: s.transfer.patientRef as PatientRef,
      }),
    );
    const now = services.clock.now();
    const patient = readsSheets(p)
      ? (await patientSummaries(services.db.knex, [s.transfer.id])).get(s.transfer.id)
      : undefined;
    res.json(
      transferView(
        { ...s.transfer, recipients: s.recipients, overdue: isOverdue(s.transfer, now) },
        patient,
        s,
      ),
    );
  });

  route(r, "get", "/transfers/:id/history", {}, async (req, res, p) => {
    const s = await visibleStatus(services, req, p);
    res.json({ id: s.transfer.id, events: s.events });
  });

  route(r, "get", "/transfers/:id/pdf", {}, async (req, res, p) => {
    const s = await visibleStatus(services, req, p);
    const payload = await new TransferRepository(services.db.knex).payload(s.transfer.id);
    if (payload === undefined) throw notFound();
    await services.trail.append(
      auditEvent("access.downloaded", {
        actor: p.actor,
        transfer: s.transfer.id,
        sheet: s.transfer.sheetId,
        pdfSha256: s.transfer.pdfSha256,
        patient: s.transfer.patientRef as PatientRef,
      }),
    );
    res
      .type("application/pdf")
      .setHeader("Content-Disposition", `attachment; filename="passerelle-${s.transfer.sheetId}.pdf"`);
    res.send(payload.pdf);
  });

  return r;
}
