/**
 * The care-circle service: the one set of functions behind `bin/passerelle circle …`, the CSV
 * import, the Matrix `!circle` command and (later) the HTTP API. Every change commits in one
 * transaction with its audit entry (`circle.joined`, `circle.left`, `circle.objection_*`), which
 * carries the patient's pseudonym and the member's RPPS — never the INS.
 */
import type { Knex } from "knex";
import type { AuditTrail, PatientRef } from "../audit/index.ts";
import { auditEvent, patientPseudonym } from "../audit/index.ts";
import type { Clock, FieldIssue } from "../core/index.ts";
import { fieldError, PasserelleError } from "../core/index.ts";
import type { Member } from "../directory/index.ts";
import { DirectoryRepository, memberAuditId } from "../directory/index.ts";
import type { Database } from "../storage/index.ts";
import { inTransaction } from "../storage/index.ts";
import type { Circle, CircleConsent, CircleMember, CircleSource, JoinInput } from "./types.ts";
import { CIRCLE_CONSENTS, CIRCLE_SOURCES } from "./types.ts";

export interface CircleDeps {
  readonly db: Database;
  readonly trail: AuditTrail;
  readonly clock: Clock;
  /** The HMAC key of patient pseudonyms (`loadPseudonymKey`). */
  readonly pseudonymKey: Uint8Array;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RPPS = /^\d{11}$/;

const fail = (path: string, rule: string, en: string, fr: string): PasserelleError =>
  new PasserelleError("VALIDATION_FAILED", `${path}: ${en}`, {
    issues: [{ path, rule, message: { en, fr } } satisfies FieldIssue],
  });

interface LinkRow {
  member_id: number;
  since: string;
  source: string;
  consent: string;
}

export class CircleService {
  readonly #d: CircleDeps;
  constructor(deps: CircleDeps) {
    this.#d = deps;
  }

  /** The pseudonym of an INS; `VALIDATION_FAILED` naming `ins` (never its value) when the key is wrong. */
  patientRef(ins: string): PatientRef {
    return patientPseudonym(ins, this.#d.pseudonymKey);
  }

  /** Adds a member to the circle (idempotent: an existing link is kept and reported `created: false`). */
  async join(input: JoinInput, actor: string): Promise<{ patientRef: PatientRef; created: boolean }> {
    const patient = this.patientRef(input.ins);
    const member = await this.#member(input.rpps);
    const since = input.since ?? this.#d.clock.now().toISOString().slice(0, 10);
    if (!DATE.test(since) || Number.isNaN(Date.parse(since))) {
      throw fail("since", "date", "must be a date YYYY-MM-DD", "doit être une date AAAA-MM-JJ");
    }
    if (!(CIRCLE_SOURCES as readonly string[]).includes(input.source)) {
      throw fail("source", "enum", `must be one of ${CIRCLE_SOURCES.join(", ")}`, "source inconnue");
    }
    const consent: CircleConsent = input.consent ?? "informed";
    if (!(CIRCLE_CONSENTS as readonly string[]).includes(consent)) {
      throw fail("consent", "enum", `must be one of ${CIRCLE_CONSENTS.join(", ")}`, "consentement inconnu");
    }
    const now = this.#d.clock.now().toISOString();
    return inTransaction(this.#d.db.knex, async (trx) => {
      await this.#ensurePatient(trx, patient, now);
      const existing: unknown = await trx("circle_members")
        .where({ patient_ref: patient, member_id: member.id })
        .whereNull("left_at")
        .first();
      if (existing !== undefined) return { patientRef: patient, created: false };
      await trx("circle_members").insert({
        patient_ref: patient,
        member_id: member.id,
        since,
        source: input.source,
        consent,
        joined_at: now,
      });
      await this.#d.trail.appendWithin(trx, [
        auditEvent("circle.joined", { actor, patient, member: memberAuditId(member) }),
      ]);
      return { patientRef: patient, created: true };
    });
  }

  /** Removes a member from the circle (the link is kept as history with `left_at`). */
  async leave(ins: string, rpps: string, actor: string): Promise<{ removed: boolean }> {
    const patient = this.patientRef(ins);
    const member = await this.#member(rpps);
    const now = this.#d.clock.now().toISOString();
    return inTransaction(this.#d.db.knex, async (trx) => {
      const n = await trx("circle_members")
        .where({ patient_ref: patient, member_id: member.id })
        .whereNull("left_at")
        .update({ left_at: now });
      if (n === 0) return { removed: false };
      await this.#d.trail.appendWithin(trx, [
        auditEvent("circle.left", { actor, patient, member: memberAuditId(member) }),
      ]);
      return { removed: true };
    });
  }

  /** Records the patient's objection: from now on no notice about them is sent. */
  async recordObjection(ins: string, source: CircleSource, actor: string): Promise<void> {
    await this.#setObjection(this.patientRef(ins), source, actor, true);
  }

  /** Lifts a recorded objection (the patient changed their mind). */
  async liftObjection(ins: string, source: CircleSource, actor: string): Promise<void> {
    await this.#setObjection(this.patientRef(ins), source, actor, false);
  }

  /** The circle of an INS. */
  async list(ins: string): Promise<Circle> {
    return circleOf(this.#d.db.knex, this.patientRef(ins));
  }

  async #setObjection(patient: PatientRef, source: CircleSource, actor: string, on: boolean): Promise<void> {
    const now = this.#d.clock.now().toISOString();
    await inTransaction(this.#d.db.knex, async (trx) => {
      await this.#ensurePatient(trx, patient, now);
      await trx("circle_patients")
        .where({ patient_ref: patient })
        .update({ objection_at: on ? now : null, objection_source: on ? source : null, updated_at: now });
      await this.#d.trail.appendWithin(trx, [
        auditEvent(on ? "circle.objection_recorded" : "circle.objection_lifted", { actor, patient }),
      ]);
    });
  }

  async #ensurePatient(trx: Knex.Transaction, patient: string, now: string): Promise<void> {
    await trx("circle_patients")
      .insert({ patient_ref: patient, created_at: now, updated_at: now })
      .onConflict("patient_ref")
      .ignore();
  }

  async #member(rpps: string): Promise<Member> {
    if (!RPPS.test(rpps)) throw fail("rpps", "rpps", "11 digits expected", "11 chiffres attendus");
    const m = await new DirectoryRepository(this.#d.db.knex).findByRpps(rpps);
    if (m === undefined) {
      throw fieldError("NOT_FOUND", "rpps: not in the directory", "rpps", "member.unknown", {
        en: "not in the directory",
        fr: "absent de l'annuaire",
      });
    }
    return m;
  }
}

/** The stored circle of a pseudonym: objection and current members (for the ADT notices). */
export async function circleOf(knex: Knex, patientRef: string): Promise<Circle> {
  const p = await knex<{ patient_ref: string; objection_at: string | null }>("circle_patients")
    .where("patient_ref", patientRef)
    .first("objection_at");
  const links: LinkRow[] = await knex("circle_members")
    .where("patient_ref", patientRef)
    .whereNull("left_at")
    .orderBy("id")
    .select("member_id", "since", "source", "consent");
  const repo = new DirectoryRepository(knex);
  const members: CircleMember[] = [];
  for (const l of links) {
    const m = await repo.findById(l.member_id);
    if (m === undefined) continue;
    members.push({
      memberId: m.id,
      memberRef: memberAuditId(m),
      ...(m.rpps === undefined ? {} : { rpps: m.rpps }),
      displayName: m.displayName,
      ...(m.matrixId === undefined || !m.active ? {} : { matrixId: m.matrixId }),
      professionCode: m.professionCode,
      since: l.since,
      source: l.source as CircleSource,
      consent: l.consent as CircleConsent,
    });
  }
  return {
    patientRef,
    ...(p?.objection_at == null ? {} : { objectionAt: p.objection_at }),
    members,
  };
}
