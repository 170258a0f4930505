/**
 * `transfer send DATA.json [--to R[,R…]] [--to-unit FINESS|ID] [--wait sent|delivered] [--actor A]` and
 * `transfer status ID [--json]`. Sending queues the transfer (the `serve` worker delivers it);
 * `--wait` runs the outbox worker in this process with the hub's Matrix session (`openHub`,
 * external homeserver from PASSERELLE_HOMESERVER_URL / _MATRIX_USER_ID / _PASSWORD or
 * _ACCESS_TOKEN) until the transfer reaches the state, then exits.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { PasserelleError } from "../../core/index.ts";
import { parseSheetJson } from "../../forms/index.ts";
import type { Kernel } from "../../kernel.ts";
import { withKernel } from "../../kernel.ts";
import { trustPolicy } from "../../trust/index.ts";
import type { TransferState } from "../../transfers/index.ts";
import { createTransfer, OutboxWorker, kindFr, STATE_RANK, transferStatus } from "../../transfers/index.ts";
import { externalLogin, openEvidenceHub } from "../../wiring/index.ts";
import { UsageError } from "../args.ts";
import type { CliIo, CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";
import { cliActor, cliConfig } from "../context.ts";

async function waitFor(io: CliIo, k: Kernel, id: string, want: TransferState): Promise<TransferState> {
  const m = k.config.matrix;
  if (m.mode !== "external") {
    throw new PasserelleError(
      "CONFIG_INVALID",
      "--wait needs PASSERELLE_HOMESERVER_URL and the hub's Matrix account",
    );
  }
  // The same evidence handler and trust policy as `serve`, registered before the first sync; it
  // answers an unencrypted acknowledgement through the hub's transport once open.
  const trust = trustPolicy(k.config.trust.allowedServers, m.userId, k.config.trust.structureServers);
  const hub = await openEvidenceHub(k, externalLogin(m), {
    trust,
    onEvidenceError: (code) => {
      io.err(`passerelle: inbound evidence not recorded (${code})`);
    },
  });
  const worker = new OutboxWorker(k, hub.transport, {
    maxAttempts: 5,
    backoffBaseMs: 1000,
    backoffMaxMs: 10_000,
    trust,
  });
  worker.start();
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const state = (await transferStatus(k.db.knex, id)).transfer.state;
      if (state === "failed" || STATE_RANK[state] >= STATE_RANK[want]) return state;
      if (Date.now() > deadline) {
        io.err(`passerelle: transfer ${id} still ${state} after 120 s`);
        return state;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await worker.stop();
    await hub.close();
  }
}

const send: CommandHandler = async (args, io) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      to: { type: "string" },
      "to-unit": { type: "string" },
      wait: { type: "string" },
      actor: { type: "string" },
    },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  const to = values.to;
  const unit = values["to-unit"];
  // A tele-expertise request may name its expert in the sheet (expert.rpps) instead of --to.
  if (file === undefined)
    throw new UsageError(
      "usage: transfer send DATA.json [--to RPPS[,RPPS…]] [--to-unit FINESS|STRUCTURE_ID] [--wait sent|delivered]",
    );
  if (unit !== undefined && !/^(\d{1,8}|[0-9AB]{9})$/.test(unit))
    throw new UsageError("--to-unit must be a unit's FINESS (9 characters) or its structure id");
  const wait = values.wait;
  if (wait !== undefined && wait !== "sent" && wait !== "delivered")
    throw new UsageError("--wait must be sent or delivered");
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), "utf8");
  } catch (e) {
    throw new PasserelleError("IO_ERROR", `cannot read ${file}`, { cause: e });
  }
  const sheet = parseSheetJson(text);
  return withKernel(cliConfig(io), async (k) => {
    const trust = trustPolicy(k.config.trust.allowedServers, undefined, k.config.trust.structureServers);
    const created = await createTransfer(await k.transferDeps(trust), {
      sheet,
      to: to === undefined ? [] : to.split(",").map((s) => s.trim()),
      ...(unit === undefined
        ? {}
        : { toUnit: unit.length === 9 ? { finess: unit } : { structureId: Number(unit) } }),
      actor: cliActor(values.actor),
    });
    io.out(created.transferId);
    io.err(`reference ${created.reference}`);
    if (wait === undefined) return EXIT.ok;
    const state = await waitFor(io, k, created.transferId, wait);
    return state !== "failed" && STATE_RANK[state] >= STATE_RANK[wait] ? EXIT.ok : EXIT.failed;
  });
};

const status: CommandHandler = async (args, io) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { json: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  const id = positionals[0];
  if (id === undefined) throw new UsageError("usage: transfer status ID [--json]");
  const s = await withKernel(cliConfig(io), (k) => transferStatus(k.db.knex, id));
  if (values.json === true) {
    io.out(JSON.stringify(s));
    return EXIT.ok;
  }
  io.out(
    `transfer ${s.transfer.reference} (${s.transfer.id}): ${s.transfer.state} (${kindFr(s.transfer.kind)}, ${s.transfer.form}, sheet ${s.transfer.sheetId})`,
  );
  const l = s.links;
  if (l.inReplyTo !== undefined) io.out(`  answers request ${l.inReplyTo}`);
  if (l.answer !== undefined) io.out(`  answered by transfer ${l.answer}`);
  if (l.answerDueAt !== undefined) io.out(`  answer due by ${l.answerDueAt}`);
  if (l.unitId !== undefined) io.out(`  addressed to unit ${String(l.unitId)}`);
  if (l.replaces !== undefined) io.out(`  replaces transfer ${l.replaces}`);
  if (l.replacedBy !== undefined) io.out(`  replaced by transfer ${l.replacedBy}`);
  for (const r of s.routing) io.out(`  routed to rpps:${r.rpps} (${r.source}: ${r.reason})`);
  for (const e of s.events) {
    io.out(
      `  ${e.at}  ${e.step.padEnd(12)} ${e.matrixEventId ?? "-"}${e.memberRef === undefined ? "" : `  ${e.memberRef}`}${e.deviceId === undefined ? "" : `  device ${e.deviceId}`}${e.reason === undefined ? "" : `  (${e.reason})`}`,
    );
  }
  return EXIT.ok;
};

/** The `transfer` command group. */
export const transferCommands: Record<string, CommandHandler> = { send, status };
