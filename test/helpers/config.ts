/** A test configuration built by the real loader (as medplum's loadTestConfig): only the env differs. */
import type { PasserelleConfig } from "../../src/config/index.ts";
import { loadConfig } from "../../src/config/index.ts";

export function testConfig(dataDir: string, env: Record<string, string> = {}): PasserelleConfig {
  return loadConfig({ PASSERELLE_DATA_DIR: dataDir, PASSERELLE_HTTP_PORT: "0", ...env }, dataDir);
}
