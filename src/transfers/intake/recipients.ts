/**
 * Who receives a sheet, resolved in the directory:
 *
 * - `to`: professionals by RPPS — known, active, with a Matrix id; else refused naming `to[i]`.
 * - `toUnit`: a hospital unit (a structure of kind `unit`, by structure id or by its own FINESS).
 *   Its recipients are the unit's staff: active members whose `structure_id` is the unit, holding
 *   the role `recipient`, with a Matrix id. An admission notice from a city professional reaches
 *   them in one room (the context's room, see `context.ts`).
 * - Tele-expertise requests: every `to` member must hold the role `specialist` (default `to`: the
 *   RPPS in `expert.rpps`), and the requester (`requester.rpps`) joins the room too, so that the
 *   specialist's answer comes back to them in the same room.
 *
 * - The trust policy (src/trust): a recipient whose Matrix account is on a homeserver outside the
 *   CPTS's allowlist, or not on a server allowed for her structure (by FINESS, hers or a parent's),
 *   is refused (`TRUST_POLICY`, rule `trust.server_not_allowed` or
 *   `trust.structure_server_not_allowed`, naming `to[i]`); a unit's staff outside it are left
 *   out, like staff without a Matrix account.
 *
 * Every refusal is audited (`transfer.failed` with a reason code) before it is thrown.
 */
import type { PatientRef } from "../../audit/index.ts";
import { fieldError, PasserelleError } from "../../core/index.ts";
import type { Member } from "../../directory/index.ts";
import { DirectoryRepository } from "../../directory/index.ts";
import type { ValidatedSheet } from "../../forms/index.ts";
import type { TrustPolicy } from "../../trust/index.ts";
import { TRUST_ANY, trustError } from "../../trust/index.ts";
import { refuse } from "./refusal.ts";
import type { TransferContext } from "../record/index.ts";

/** A hospital unit to address: by structure id, or by its FINESS. */
export type UnitRef = { readonly structureId: number } | { readonly finess: string };

export type Recipient = Member & { readonly matrixId: string };

export interface ResolvedRecipients {
  readonly members: readonly Recipient[];
  /** The unit the sheet was addressed to, if any. */
  readonly unitId?: number;
}

interface Request {
  readonly to?: readonly string[];
  readonly toUnit?: UnitRef;
  readonly actor: string;
}

const RPPS = /^\d{11}$/;

const fail = (
  code: "VALIDATION_FAILED" | "NOT_FOUND" | "FORBIDDEN",
  path: string,
  rule: string,
  en: string,
  fr: string,
) => fieldError(code, `${path}: ${en}; nothing was sent`, path, rule, { en, fr });

/** Resolves the recipients of `sheet`; throws a `PasserelleError` naming the field at fault. */
export async function resolveRecipients(
  ctx: TransferContext & { readonly trust?: TrustPolicy },
  input: Request,
  sheet: ValidatedSheet,
  transferId: string,
  patient: PatientRef,
): Promise<ResolvedRecipients> {
  const directory = new DirectoryRepository(ctx.db.knex);
  const trust = ctx.trust ?? TRUST_ANY;
  const refused = (reason: string, member?: string): Promise<void> =>
    refuse(ctx, {
      transferId,
      actor: input.actor,
      reason,
      patient,
      ...(member === undefined ? {} : { member }),
    });
  const teleexpertise = sheet.form.id === "teleexpertise-request";
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  const expertRpps = str(sheet.data.expert?.rpps);
  const to =
    input.to !== undefined && input.to.length > 0
      ? input.to
      : teleexpertise && input.toUnit === undefined && expertRpps !== undefined
        ? [expertRpps]
        : [];
  if (to.length === 0 && input.toUnit === undefined) {
    throw fieldError("VALIDATION_FAILED", "to: at least one recipient is required", "to", "required", {
      en: "required",
      fr: "obligatoire",
    });
  }
  const found: Recipient[] = [];
  const add = (m: Recipient): void => {
    if (!found.some((f) => f.id === m.id)) found.push(m);
  };
  for (const [i, rpps] of to.entries()) {
    const m = await byRpps(directory, trust, rpps, `to[${i}]`, refused);
    if (teleexpertise && !m.roles.includes("specialist")) {
      await refused("recipient.not_specialist", `rpps:${rpps}`);
      throw fail(
        "FORBIDDEN",
        `to[${i}]`,
        "recipient.not_specialist",
        "recipient is not a specialist (role specialist)",
        "le destinataire n’est pas un expert (rôle specialist)",
      );
    }
    add(m);
  }
  let unitId: number | undefined;
  if (input.toUnit !== undefined) {
    const staff = await unitStaff(directory, trust, input.toUnit, refused);
    unitId = staff.unitId;
    staff.members.forEach(add);
  }
  if (teleexpertise) {
    const requester = str(sheet.data.requester?.rpps) ?? "";
    add(await byRpps(directory, trust, requester, "data.requester.rpps", refused));
  }
  return unitId === undefined ? { members: found } : { members: found, unitId };
}

async function byRpps(
  directory: DirectoryRepository,
  trust: TrustPolicy,
  rpps: string,
  path: string,
  refused: (reason: string, member?: string) => Promise<void>,
): Promise<Recipient> {
  if (!RPPS.test(rpps)) {
    throw new PasserelleError("VALIDATION_FAILED", `${path}: not an RPPS number`, {
      issues: [{ path, rule: "rpps", message: { en: "11 digits expected", fr: "11 chiffres attendus" } }],
    });
  }
  const m = await directory.findByRpps(rpps);
  const reason =
    m === undefined
      ? "recipient.unknown"
      : !m.active
        ? "recipient.inactive"
        : m.matrixId === undefined
          ? "recipient.no_matrix_id"
          : undefined;
  if (reason !== undefined || m?.matrixId === undefined) {
    const r = reason ?? "recipient.unknown";
    await refused(r, `rpps:${rpps}`);
    const text = {
      "recipient.unknown": "is not in the directory",
      "recipient.inactive": "is no longer active",
      "recipient.no_matrix_id": "has no Matrix account",
    }[r];
    throw fail(
      m === undefined ? "NOT_FOUND" : "FORBIDDEN",
      path,
      r,
      `recipient ${text}`,
      "destinataire refusé (annuaire)",
    );
  }
  const untrusted = trust.memberRefusal(m.matrixId, await finessChain(directory, m.structureId));
  if (untrusted !== undefined) {
    await refused(untrusted, `rpps:${rpps}`);
    throw trustError(path, untrusted);
  }
  return { ...m, matrixId: m.matrixId };
}

/** The unit's active staff with the role `recipient` and a Matrix id the trust policy allows. */
async function unitStaff(
  directory: DirectoryRepository,
  trust: TrustPolicy,
  ref: UnitRef,
  refused: (reason: string) => Promise<void>,
): Promise<{ unitId: number; members: Recipient[] }> {
  const path = "structureId" in ref ? "toUnit.structureId" : "toUnit.finess";
  const unit =
    "structureId" in ref
      ? Number.isInteger(ref.structureId) && ref.structureId > 0
        ? await directory.getStructure(ref.structureId)
        : undefined
      : /^[0-9AB]{9}$/.test(ref.finess)
        ? await directory.findStructure({ finess: ref.finess })
        : undefined;
  if (unit === undefined) {
    await refused("unit.unknown");
    throw fail(
      "NOT_FOUND",
      path,
      "unit.unknown",
      "no such structure in the directory",
      "structure absente de l’annuaire",
    );
  }
  if (unit.kind !== "unit") {
    await refused("unit.not_a_unit");
    throw fail(
      "VALIDATION_FAILED",
      path,
      "unit.kind",
      "the structure is not a hospital unit (kind unit)",
      "la structure n’est pas une unité de soins (type unit)",
    );
  }
  const chain = await finessChain(directory, unit.id);
  const members = (await directory.membersWithRole("recipient", unit.id)).flatMap((m) =>
    m.matrixId === undefined || trust.memberRefusal(m.matrixId, chain) !== undefined
      ? []
      : [{ ...m, matrixId: m.matrixId }],
  );
  if (members.length === 0) {
    await refused("unit.no_recipient");
    throw fail(
      "FORBIDDEN",
      path,
      "unit.no_recipient",
      "the unit has no recipient with a Matrix account the trust policy allows",
      "l’unité n’a aucun destinataire avec un compte Matrix autorisé",
    );
  }
  return { unitId: unit.id, members };
}

/** The FINESS numbers of a structure and of its parents (a unit's hospital), nearest first. */
async function finessChain(
  directory: DirectoryRepository,
  structureId: number | undefined,
): Promise<string[]> {
  const out: string[] = [];
  let id = structureId;
  for (let depth = 0; id !== undefined && depth < 4; depth++) {
    const s = await directory.getStructure(id);
    if (s === undefined) break;
    if (s.finess !== undefined) out.push(s.finess);
    id = s.parentId;
  }
  return out;
}

/**
 * Whether the professional `rpps` can receive a transfer now — known, active, with a Matrix id the
 * trust policy allows — without refusing or auditing anything (routing tries several candidates).
 */
export async function reachableMember(
  ctx: TransferContext & { readonly trust?: TrustPolicy },
  rpps: string,
): Promise<{ readonly member: Recipient } | { readonly reason: string }> {
  if (!RPPS.test(rpps)) return { reason: "recipient.not_rpps" };
  const directory = new DirectoryRepository(ctx.db.knex);
  const m = await directory.findByRpps(rpps);
  if (m === undefined) return { reason: "recipient.unknown" };
  if (!m.active) return { reason: "recipient.inactive" };
  if (m.matrixId === undefined) return { reason: "recipient.no_matrix_id" };
  const untrusted = (ctx.trust ?? TRUST_ANY).memberRefusal(
    m.matrixId,
    await finessChain(directory, m.structureId),
  );
  return untrusted === undefined ? { member: { ...m, matrixId: m.matrixId } } : { reason: untrusted };
}
