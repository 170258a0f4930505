/**
 * The documents service as the HTTP adapter calls it: `receiveDocument`, `listToRoute` and
 * `assignDocument` (src/documents) bound to the kernel's dependencies — the same functions as the
 * CLI's `document send/queue/assign` and the MLLP listener's MDM/ORU intake.
 */
import type { DocumentServices } from "../api/index.ts";
import { isPasserelleError, PasserelleError } from "../core/index.ts";
import type { DocumentDeps } from "../documents/index.ts";
import { assignDocument, listToRoute, receiveDocument } from "../documents/index.ts";

export function documentServices(deps: DocumentDeps): DocumentServices {
  return {
    receive: (incoming) => receiveDocument(deps, incoming),
    toRoute: async ({ withPatient }) =>
      (await listToRoute(deps)).map((d) => ({
        documentId: d.documentId,
        receivedAt: d.receivedAt,
        typeCode: d.typeCode,
        ...(d.title === undefined ? {} : { title: d.title }),
        ...(withPatient
          ? {
              patient: {
                ...(d.patient.family === undefined ? {} : { family: d.patient.family }),
                ...(d.patient.given === undefined ? {} : { given: d.patient.given }),
                ...(d.patient.birthDate === undefined ? {} : { birthDate: d.patient.birthDate }),
                ...(d.patient.sex === undefined ? {} : { sex: d.patient.sex }),
              },
            }
          : {}),
      })),
    assign: async (documentId, rpps, actor) => {
      try {
        return await assignDocument(deps, documentId, rpps, actor);
      } catch (e) {
        throw asRequestError(e);
      }
    },
  };
}

/**
 * The service names the recipients `to[i]` (the CLI's `--to`); the API's body calls them
 * `recipients`: an unknown, inactive or unreachable recipient is a 422 naming `recipients.i`.
 */
function asRequestError(e: unknown): unknown {
  if (!isPasserelleError(e) || !e.issues.some((i) => i.path.startsWith("to"))) return e;
  const issues = e.issues.map((i) => ({
    ...i,
    path: i.path.replace(/^to\[(\d+)\]/, "recipients.$1").replace(/^to$/, "recipients"),
  }));
  return new PasserelleError("VALIDATION_FAILED", issues.map((i) => i.path).join(", "), { issues, cause: e });
}
