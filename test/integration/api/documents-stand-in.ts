/**
 * The documents service as the HTTP tests see it until `receiveDocument`, `listToRoute` and
 * `assignDocument` (src/documents, developed on another branch) are wired in src/app.ts: a small
 * in-memory store with the same contract — idempotent by document id, recipients from the request
 * (source `message`) or from the CDA's `informationRecipient` (source `document`) when they are
 * active directory members, else the queue « à orienter »; a coordinator's assignment checks the
 * RPPS against the directory. It creates no transfer (no `transferId`): the real service does.
 * The fixture takes the real service instead once it exists (`openApiFixture(…, { documents })`).
 */
import type { DocumentServices, ToRouteItem } from "../../../src/api/index.ts";
import { readCda } from "../../../src/cda/read/index.ts";
import type { Clock } from "../../../src/core/index.ts";
import { PasserelleError } from "../../../src/core/index.ts";
import type { DirectoryService } from "../../../src/directory/index.ts";
import type { IncomingDocument, ReceivedDocument, RoutedRecipient } from "../../../src/documents/index.ts";

interface Stored {
  readonly incoming: IncomingDocument;
  readonly receivedAt: string;
  result: ReceivedDocument;
}

export function documentsStandIn(directory: DirectoryService, clock: Clock): DocumentServices {
  const store = new Map<string, Stored>();
  const active = async (rpps: string) => (await directory.repository.findByRpps(rpps))?.active === true;

  async function route(d: IncomingDocument): Promise<RoutedRecipient[]> {
    const out: RoutedRecipient[] = [];
    for (const r of d.recipients)
      if (r.rpps !== undefined && (await active(r.rpps)))
        out.push({ rpps: r.rpps, source: "message", reason: "api.recipients" });
    if (out.length === 0 && d.content.kind === "cda") {
      for (const r of readCda(d.content.cda).recipients)
        if (r.rpps !== undefined && (await active(r.rpps)))
          out.push({ rpps: r.rpps, source: "document", reason: "cda.informationRecipient" });
    }
    return out;
  }

  return {
    async receive(d) {
      const seen = store.get(d.documentId);
      if (seen !== undefined) return { ...seen.result, duplicate: true };
      const routing = await route(d);
      const result: ReceivedDocument = {
        documentId: d.documentId,
        duplicate: false,
        outcome: routing.length === 0 ? "to_route" : "queued",
        routing,
      };
      store.set(d.documentId, { incoming: d, receivedAt: clock.now().toISOString(), result });
      return result;
    },
    toRoute(scope) {
      return Promise.resolve(
        [...store.values()]
          .filter((s) => s.result.outcome === "to_route")
          .map((s): ToRouteItem => {
            const p = s.incoming.patient;
            return {
              documentId: s.incoming.documentId,
              receivedAt: s.receivedAt,
              typeCode: s.incoming.typeCode,
              ...(s.incoming.title === undefined ? {} : { title: s.incoming.title }),
              ...(scope.withPatient
                ? {
                    patient: {
                      ...(p.family === undefined ? {} : { family: p.family }),
                      ...(p.given === undefined ? {} : { given: p.given }),
                      ...(p.birthDate === undefined ? {} : { birthDate: p.birthDate }),
                      ...(p.sex === undefined ? {} : { sex: p.sex }),
                    },
                  }
                : {}),
            };
          }),
      );
    },
    async assign(documentId, rpps) {
      const s = store.get(documentId);
      if (s?.result.outcome !== "to_route") {
        throw new PasserelleError("NOT_FOUND", "no such document to route", {
          issues: [{ path: "ref", rule: "notFound", message: { en: "not waiting", fr: "pas à orienter" } }],
        });
      }
      for (const [i, r] of rpps.entries()) {
        if (!(await active(r))) {
          throw new PasserelleError("VALIDATION_FAILED", "recipient not an active member", {
            issues: [
              {
                path: `recipients.${String(i)}`,
                rule: "activeMember",
                message: { en: "not an active member of the CPTS", fr: "pas un membre actif de la CPTS" },
              },
            ],
          });
        }
      }
      s.result = {
        documentId,
        duplicate: false,
        outcome: "queued",
        routing: rpps.map((r) => ({ rpps: r, source: "coordinator", reason: "coordinator.assigned" })),
      };
      return s.result;
    },
  };
}
