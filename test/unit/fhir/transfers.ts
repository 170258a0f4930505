/** One stored transfer of every form, for the FHIR export tests (sqlite, dev signer). */
import { DirectoryService } from "../../../src/directory/index.ts";
import type { FormKind } from "../../../src/forms/index.ts";
import { createTransfer } from "../../../src/transfers/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { addRecipients, type TransferFixture } from "../../helpers/transfers-fixture.ts";

export const KINDS: readonly FormKind[] = [
  "discharge",
  "admission",
  "teleexpertise-request",
  "teleexpertise-answer",
];

/**
 * Creates one transfer per form: to a recipient, except the tele-expertise request, which goes to
 * its specialist (role `specialist`) with its requester in the directory. Returns the transfer ids
 * by form and the recipient's RPPS.
 */
export async function createOneOfEach(
  f: TransferFixture,
): Promise<{ ids: Map<FormKind, string>; recipient: string }> {
  const recipient = (await addRecipients(f, ["@alice:test"]))[0] ?? "";
  const request = exampleSheet("teleexpertise-request").data;
  const svc = new DirectoryService(f.db, f.trail);
  for (const [who, matrixId, roles] of [
    [request.requester, "@requester:test", ["sender", "recipient"]],
    [request.expert, "@expert:test", ["specialist"]],
  ] as const) {
    await svc.addMember(
      { rpps: String(who?.rpps), matrixId, professionCode: "10", name: "Docteur Test", roles: [...roles] },
      "cli:test",
    );
  }
  const ids = new Map<FormKind, string>();
  for (const kind of KINDS) {
    const to = kind === "teleexpertise-request" ? [String(request.expert?.rpps)] : [recipient];
    const c = await createTransfer(f.deps, { sheet: exampleSheet(kind), to, actor: "cli:test" });
    ids.set(kind, c.transferId);
  }
  return { ids, recipient };
}
