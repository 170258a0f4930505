/**
 * The `!circle` command a professional sends to the hub in an encrypted direct room:
 * `!circle join <INS>`, `!circle leave <INS>`. The sender is identified by their Matrix id in the
 * directory; the link is made by {@link CircleService} (source `matrix`, audited). The reply, in
 * French, confirms without repeating the INS (only the first characters of the pseudonym).
 */
import { isPasserelleError } from "../core/index.ts";
import type { DirectoryRepository } from "../directory/index.ts";
import type { CircleService } from "./service.ts";

const COMMAND = /^!circle\s+(join|leave)\s+([0-9ABab\s.]{15,21})\s*$/i;

/** True when `text` is a `!circle …` command (handled here, even if malformed). */
export const isCircleCommand = (text: string): boolean => /^!circle\b/i.test(text.trim());

/** Runs the command for `matrixId`; returns the reply text (never throws for bad input). */
export async function runCircleCommand(
  service: CircleService,
  directory: DirectoryRepository,
  matrixId: string,
  text: string,
): Promise<string> {
  const m = COMMAND.exec(text.trim());
  if (m === null) return "Commande non reconnue. Usage : !circle join <INS> ou !circle leave <INS>.";
  const member = await directory.findByMatrixId(matrixId);
  if (member?.rpps === undefined || !member.active) {
    return "Votre compte Matrix n’est lié à aucun professionnel actif de l’annuaire de la CPTS.";
  }
  const ins = (m[2] ?? "").replace(/[\s.]/g, "").toUpperCase();
  const actor = matrixId;
  try {
    if (m[1]?.toLowerCase() === "join") {
      const r = await service.join({ ins, rpps: member.rpps, source: "matrix" }, actor);
      const ref = r.patientRef.slice(0, 8);
      return r.created
        ? `✅ Vous faites désormais partie du cercle de soins de ce patient (réf. ${ref}). Vous recevrez ses avis d’hospitalisation et de sortie.`
        : `Vous faisiez déjà partie du cercle de soins de ce patient (réf. ${ref}).`;
    }
    const r = await service.leave(ins, member.rpps, actor);
    return r.removed
      ? "✅ Vous ne faites plus partie du cercle de soins de ce patient."
      : "Vous ne faisiez pas partie du cercle de soins de ce patient.";
  } catch (e) {
    if (isPasserelleError(e) && e.issues[0]?.path === "ins") {
      return "INS invalide (15 caractères dont une clé de contrôle) : rien n’a été enregistré.";
    }
    throw e;
  }
}
