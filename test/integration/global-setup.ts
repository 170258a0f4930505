import { execFileSync } from "node:child_process";

/** Integration tests use real external programs; scripts/system-deps.sh installs them. Fail early and clearly. */
export default function setup(): void {
  for (const tool of ["pdfsig", "qpdf", "certutil", "openssl", "pdftotext", "pdftoppm"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      throw new Error(`integration set-up: '${tool}' is missing — run scripts/system-deps.sh`);
    }
  }
}
