/** `openssl speed rsa2048`: the machine's native RSA-2048 signing rate, as a reference point. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface OpensslSpeed {
  readonly version: string;
  readonly command: string;
  readonly signPerSecond: number;
  readonly verifyPerSecond: number;
}

/** Summary line of OpenSSL 1.1/3.x: `rsa 2048 bits 0.000620s 0.000018s   1613.0  54945.1`. */
const RSA_LINE = /^rsa\s+2048\s+bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)/m;

/**
 * Runs `openssl speed -seconds N [-multi K] rsa2048`; undefined (with the reason) when openssl is
 * missing or its output has no rsa 2048 summary line.
 */
export async function opensslRsa2048(
  seconds: number,
  multi = 1,
): Promise<{ result: OpensslSpeed } | { missing: string }> {
  let version: string;
  try {
    version = (await run("openssl", ["version"])).stdout.trim();
  } catch {
    return { missing: "openssl is not installed (no `openssl` on PATH)" };
  }
  const args = ["speed", "-seconds", String(Math.max(1, Math.round(seconds)))];
  if (multi > 1) args.push("-multi", String(multi));
  args.push("rsa2048");
  const command = `openssl ${args.join(" ")}`;
  let stdout: string;
  try {
    ({ stdout } = await run("openssl", args, { maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    return { missing: `${command} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const m = RSA_LINE.exec(stdout);
  if (m === null) return { missing: `${command}: no "rsa 2048 bits" line in its output` };
  return { result: { version, command, signPerSecond: Number(m[1]), verifyPerSecond: Number(m[2]) } };
}
