import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { systemClock } from "../../core/index.ts";
import { DEFAULT_FORMS_DIR, loadFormRegistry, parseSheetJson, validateSheet } from "../../forms/index.ts";
import { P12Signer, createDevPki, produceSignedSheet, verifyPdf } from "../../pdf/index.ts";
import { parse } from "../args.ts";
import { writeAtomic } from "../fs-util.ts";
import type { CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";
import { DEMO_ORGANISATION } from "./certs.ts";

/** Passphrase of the demo keystore only (out/pki is disposable and git-ignored). */
const DEMO_PASSPHRASE = "passerelle-demo";

/**
 * `demo [--out DIR]`: the project's main job until the service lands — makes a dev PKI if needed,
 * renders and signs every example sheet of `liaison-forms/examples/` into DIR, verifies each.
 */
const run: CommandHandler = async (args, io) => {
  const { values } = parse(args, { out: { type: "string", default: "out" } });
  const outDir = path.resolve(io.cwd, values.out);
  const pkiDir = path.join(outDir, "pki");
  const secret = io.env.PASSERELLE_SIGNER_PASSPHRASE ?? DEMO_PASSPHRASE;
  if (!existsSync(path.join(pkiDir, "signer.p12"))) {
    await createDevPki({
      outDir: pkiDir,
      passphrase: secret,
      organisation: DEMO_ORGANISATION.name,
      finess: DEMO_ORGANISATION.finess,
    });
    io.out(
      `dev PKI created in ${pkiDir} (passphrase: ${secret === DEMO_PASSPHRASE ? DEMO_PASSPHRASE : "from PASSERELLE_SIGNER_PASSPHRASE"})`,
    );
  }
  const ca = await readFile(path.join(pkiDir, "ca.pem"), "utf8");
  const signer = P12Signer.fromBuffer(await readFile(path.join(pkiDir, "signer.p12")), secret);
  const registry = await loadFormRegistry();
  const examplesDir = path.join(DEFAULT_FORMS_DIR, "examples");
  let allValid = true;
  for (const name of (await readdir(examplesDir)).filter((f) => f.endsWith(".json")).sort()) {
    const sheet = validateSheet(
      parseSheetJson(await readFile(path.join(examplesDir, name), "utf8")),
      registry,
    );
    const signed = await produceSignedSheet(sheet, {
      signer,
      clock: systemClock,
      signerName: DEMO_ORGANISATION.name,
    });
    const file = path.join(outDir, name.replace(/\.json$/, ".pdf"));
    await writeAtomic(file, signed.pdf);
    const report = await verifyPdf(signed.pdf, { trustedCas: [ca] });
    allValid &&= report.valid;
    io.out(
      `${report.valid ? "VALID  " : "INVALID"} ${path.relative(io.cwd, file)}  ${sheet.ref}  sha256 ${signed.sha256.slice(0, 16)}…`,
    );
  }
  io.out(
    `verify one yourself: bin/passerelle sheet verify ${path.relative(io.cwd, path.join(outDir, "discharge.pdf"))} --ca ${path.relative(io.cwd, path.join(pkiDir, "ca.pem"))}`,
  );
  return allValid ? EXIT.ok : EXIT.failed;
};

export const demoCommands: Record<string, CommandHandler> = { "": run };
