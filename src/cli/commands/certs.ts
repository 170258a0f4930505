import path from "node:path";
import { fieldError } from "../../core/index.ts";
import { checkIdentifier } from "../../forms/index.ts";
import { createDevPki } from "../../pdf/index.ts";
import { parse, passphrase } from "../args.ts";
import type { CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";

/** A fictional establishment: FINESS 699990016 passes the Luhn key and is not a real structure. */
export const DEMO_ORGANISATION = {
  name: "Centre hospitalier de démonstration",
  finess: "699990016",
} as const;

/** `certs init --out DIR [--passphrase P] [--organisation O] [--finess F] [--force]` — a development PKI. */
const init: CommandHandler = async (args, io) => {
  const { values } = parse(args, {
    out: { type: "string", default: "certs/dev" },
    passphrase: { type: "string" },
    organisation: { type: "string", default: DEMO_ORGANISATION.name },
    finess: { type: "string", default: DEMO_ORGANISATION.finess },
    force: { type: "boolean", default: false },
  });
  if (!checkIdentifier("finess", values.finess).ok) {
    throw fieldError(
      "VALIDATION_FAILED",
      "invalid FINESS for the signer certificate",
      "--finess",
      "finess.key",
      { fr: "N° FINESS invalide", en: "invalid FINESS number" },
    );
  }
  const outDir = path.resolve(io.cwd, values.out);
  const pki = await createDevPki({
    outDir,
    passphrase: passphrase(values.passphrase, io),
    organisation: values.organisation,
    finess: values.finess,
    overwrite: values.force,
  });
  io.out(`CA certificate:  ${pki.caCertPath}`);
  io.out(`signer (PKCS#12): ${pki.signerP12Path}`);
  io.out(`signer subject:  ${pki.signerSubject}`);
  io.out(`valid until:     ${pki.notAfter.toISOString()}`);
  return EXIT.ok;
};

export const certsCommands: Record<string, CommandHandler> = { init };
