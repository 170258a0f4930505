/**
 * The ANS CI-SIS CDA conformance kit (schematrons, CDA R2 schema with the French extensions, value
 * sets) as published in `ansforge/TestContenuCDA-3-0`: where it is, and which schematrons check a
 * document of each CI-SIS content model ("volet") Passerelle writes.
 */
import { existsSync } from "node:fs";
import path from "node:path";

/** The repository root (this file is src/cda/check/kit.ts). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

/** The volets Passerelle writes, by their CI-SIS name and version. */
export type Volet = "LDL-SES_2022.01" | "LDL-EES_2022.01" | "TLM-DA_2022.01" | "TLM-CR_2022.01";
export const VOLETS: readonly Volet[] = [
  "LDL-SES_2022.01",
  "LDL-EES_2022.01",
  "TLM-DA_2022.01",
  "TLM-CR_2022.01",
];

/** Schematrons common to every CI-SIS document (header, sections and entries of the CI-SIS and the ANS). */
export const PROFILE_SCHEMATRONS = [
  "schematrons/profils/CI-SIS_ModelesDeContenusCDA.sch",
  "schematrons/profils/CI-SIS_Modeles_ANS.sch",
] as const;

export const CDA_XSD = "infrastructure/cda/CDA_extended.xsd";

/** The schematrons (kit-relative) that check a document of `volet`: its own, then the profiles. */
export function schematronsFor(volet: Volet): string[] {
  return [`schematrons/CI-SIS_${volet}.sch`, ...PROFILE_SCHEMATRONS];
}

/**
 * The kit's directory: `PASSERELLE_ANS_KIT`, else `shared/ans-cda-kit` beside the repository (or
 * beside its parent, for a git worktree under the project folder); the reason when none holds the
 * schema and the schematrons.
 */
export function findKit(env: NodeJS.ProcessEnv = process.env): { dir: string } | { missing: string } {
  const fromEnv = env["PASSERELLE_ANS_KIT"];
  const candidates =
    fromEnv !== undefined && fromEnv !== ""
      ? [path.resolve(fromEnv)]
      : [
          path.resolve(REPO_ROOT, "../shared/ans-cda-kit"),
          path.resolve(REPO_ROOT, "../../shared/ans-cda-kit"),
        ];
  const probe = [CDA_XSD, "schematrons/moteur/iso_svrl_for_xslt2.xsl", PROFILE_SCHEMATRONS[0]];
  const dir = candidates.find((d) => probe.every((p) => existsSync(path.join(d, p))));
  if (dir !== undefined) return { dir };
  const where = fromEnv !== undefined && fromEnv !== "" ? "PASSERELLE_ANS_KIT" : "../shared/ans-cda-kit";
  return {
    missing: `ANS CDA kit not found at ${where} (schema or schematrons absent); set PASSERELLE_ANS_KIT to the kit's directory`,
  };
}

/**
 * The volet a CDA document declares, read from its templateIds and code: LDL-SES
 * 1.2.250.1.213.1.1.1.29, LDL-EES 1.2.250.1.213.1.1.1.21, TLM-DA 1.2.250.1.213.1.1.1.38; TLM-CR
 * is the non-structured model (IHE 1.3.6.1.4.1.19376.1.2.20) with LOINC 85208-7.
 */
export function voletOf(xml: string): Volet | undefined {
  const roots = new Set([...xml.matchAll(/<(?:\w+:)?templateId\b[^>]*\broot="([^"]+)"/g)].map((m) => m[1]));
  if (roots.has("1.2.250.1.213.1.1.1.29")) return "LDL-SES_2022.01";
  if (roots.has("1.2.250.1.213.1.1.1.21")) return "LDL-EES_2022.01";
  if (roots.has("1.2.250.1.213.1.1.1.38")) return "TLM-DA_2022.01";
  if (roots.has("1.3.6.1.4.1.19376.1.2.20") && /\bcode="85208-7"/.test(xml)) return "TLM-CR_2022.01";
  return undefined;
}
