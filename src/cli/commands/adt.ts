/**
 * `adt unit --facility FINESS --unit CODE --name N [--phone P] [--contact RPPS] [--structure ID]`:
 * what the notices print for a hospital unit (label, phone, correspondent) and where the unit is
 * reached (`--structure`: its directory structure of kind `unit`, whose staff get its notices). `adt indicator --from D [--to D]
 * [--json]`: the HAS « document de sortie le jour même » indicator over discharge days (Paris).
 * `adt messages [--json]`: counts of stored ADT messages by state.
 * `adt refused [--limit N] [--json]`: the frames the feed refused (AE/AR), kept for review, newest
 * first: id, time, ACK code, reason code, ERR-2 location, sender and control id (no patient data).
 */
import { adtMessageCounts, listRefused, sameDayIndicator, setAdtUnit } from "../../adt/index.ts";
import { PasserelleError } from "../../core/index.ts";
import { DirectoryRepository } from "../../directory/index.ts";
import { checkIdentifier } from "../../forms/index.ts";
import { parse, required, strings } from "../args.ts";
import type { CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";
import { withKernel } from "../../kernel.ts";
import { cliConfig } from "../context.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const bad = (path: string, en: string): PasserelleError =>
  new PasserelleError("VALIDATION_FAILED", `${path}: ${en}`, {
    issues: [{ path, rule: "format", message: { en, fr: en } }],
  });

const unit: CommandHandler = async (args, io) => {
  const { values } = parse(args, { ...strings("facility", "unit", "name", "phone", "contact", "structure") });
  const facility = required(values.facility, "--facility");
  const code = required(values.unit, "--unit");
  const name = required(values.name, "--name");
  if (!checkIdentifier("finess", facility).ok) throw bad("facility", "must be a FINESS number");
  if (values.contact !== undefined && !checkIdentifier("rpps", values.contact).ok) {
    throw bad("contact", "must be an RPPS number");
  }
  if (values.phone !== undefined && !/^\+?[0-9][0-9 .()-]{3,30}$/.test(values.phone)) {
    throw bad("phone", "must be a phone number");
  }
  if (name.length > 200 || code.length > 64) throw bad(name.length > 200 ? "name" : "unit", "too long");
  const structureId = values.structure === undefined ? undefined : Number(values.structure);
  if (structureId !== undefined && !(Number.isSafeInteger(structureId) && structureId > 0)) {
    throw bad("structure", "must be a structure id (a positive integer)");
  }
  await withKernel(cliConfig(io), async (rt) => {
    if (structureId !== undefined) {
      const s = await new DirectoryRepository(rt.db.knex).getStructure(structureId);
      if (s?.kind !== "unit") throw bad("structure", "must be a directory structure of kind unit");
    }
    await setAdtUnit(rt.db.knex, {
      facility,
      unit: code,
      name,
      ...(values.phone === undefined ? {} : { phone: values.phone }),
      ...(values.contact === undefined ? {} : { contactRpps: values.contact }),
      ...(structureId === undefined ? {} : { structureId }),
    });
  });
  io.out(`unit ${code} of ${facility} saved`);
  return EXIT.ok;
};

const indicator: CommandHandler = async (args, io) => {
  const { values } = parse(args, { ...strings("from", "to"), json: { type: "boolean" } });
  const from = required(values.from, "--from");
  const to = values.to ?? from;
  if (!DAY.test(from)) throw bad("from", "must be a date YYYY-MM-DD");
  if (!DAY.test(to)) throw bad("to", "must be a date YYYY-MM-DD");
  const r = await withKernel(cliConfig(io), (rt) => sameDayIndicator(rt, from, to));
  if (values.json === true) io.out(JSON.stringify(r));
  else {
    io.out(
      `discharges ${r.discharges}: same-day letter ${r.sameDay}, missing ${r.missing}, pending ${r.pending}`,
    );
    io.out(`rate ${r.rate === undefined ? "n/a" : `${(r.rate * 100).toFixed(1)} %`}`);
  }
  return EXIT.ok;
};

const messages: CommandHandler = async (args, io) => {
  const { values } = parse(args, { json: { type: "boolean" } });
  const by = await withKernel(cliConfig(io), (rt) => adtMessageCounts(rt.db.knex));
  io.out(
    values.json === true
      ? JSON.stringify(by)
      : Object.entries(by)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "none",
  );
  return EXIT.ok;
};

const refused: CommandHandler = async (args, io) => {
  const { values } = parse(args, { json: { type: "boolean" }, limit: { type: "string" } });
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw bad("limit", "an integer from 1 to 10000");
  const rows = await withKernel(cliConfig(io), (rt) => listRefused(rt, limit));
  if (values.json === true) io.out(JSON.stringify(rows));
  else if (rows.length === 0) io.out("none");
  else
    for (const r of rows)
      io.out(
        [r.id, r.receivedAt, r.ack, r.reason, r.location, r.sender ?? "-", r.controlId ?? "-"].join("\t"),
      );
  return EXIT.ok;
};

/** The `adt` command group. */
export const adtCommands: Record<string, CommandHandler> = { unit, indicator, messages, refused };
