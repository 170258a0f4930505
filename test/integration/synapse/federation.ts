/**
 * Several real Synapses federating with each other on 127.0.0.1, for the trust policy tests. Each
 * server is named `127.0.0.1:<federation port>` (an IP literal with an explicit port: server
 * discovery connects to it directly, no `.well-known` or SRV lookup — federation API, "Resolving
 * server names"), serves federation over TLS with a certificate for IP 127.0.0.1 issued by a dev CA
 * made here with openssl, and checks its peers' certificates against that CA
 * (`federation_custom_ca_list`). A server given `domains` federates with those servers only
 * (`federation_domain_whitelist`).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { MatrixClient } from "matrix-js-sdk";
import { freePort } from "../../../src/core/net.ts";
import {
  createMatrixClient,
  DevHomeserver,
  startSyncing,
  type CryptoStoreOption,
  type RegisteredUser,
} from "../../../src/matrix/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { TestHomeserver } from "./harness.ts";

const run = promisify(execFile);

/** The dev CA and one certificate for IP 127.0.0.1 (every local server presents it). */
async function devTls(dir: string): Promise<{ caPath: string; certPath: string; keyPath: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const p = (f: string): string => path.join(dir, f);
  const openssl = (args: string[]) => run("openssl", args, { timeout: 60_000 });
  await openssl([
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=Passerelle federation test CA",
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout", p("ca.key"), "-out", p("ca.pem"),
  ]); // prettier-ignore
  await openssl([
    "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
    "-keyout", p("server.key"), "-out", p("server.csr"),
  ]); // prettier-ignore
  await writeFile(
    p("server.ext"),
    "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n",
  );
  await openssl([
    "x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
    "-CAcreateserial", "-days", "2", "-extfile", p("server.ext"), "-out", p("server.pem"),
  ]); // prettier-ignore
  return { caPath: p("ca.pem"), certPath: p("server.pem"), keyPath: p("server.key") };
}

export interface Federation {
  /** The servers, in the order asked; each `serverName` is `127.0.0.1:<federation port>`. */
  readonly servers: readonly TestHomeserver[];
  close(): Promise<void>;
}

/**
 * Starts `n` federating Synapses (in parallel). `restrict[i]`, when set, lists the servers (by
 * index) server `i` federates with, besides itself.
 */
export async function startFederation(
  n: number,
  restrict: readonly (readonly number[] | undefined)[] = [],
): Promise<Federation> {
  const tmp = await tempDir("passerelle-federation-");
  const tls = await devTls(path.join(tmp.dir, "tls"));
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const names = ports.map((p) => `127.0.0.1:${String(p)}`);
  const clients: MatrixClient[] = [];
  const started = await Promise.allSettled(
    names.map(async (serverName, i) => {
      const dir = path.join(tmp.dir, `hs${String(i)}`);
      await mkdir(dir);
      const only = restrict[i];
      const hs = await DevHomeserver.create({
        dir,
        serverName,
        federation: {
          port: ports[i]!,
          ...tls,
          ...(only === undefined ? {} : { domains: [serverName, ...only.map((j) => names[j]!)] }),
        },
      });
      await hs.start();
      const server: TestHomeserver = {
        hs,
        user: (name) =>
          hs.registerUser(`${name}-${randomBytes(4).toString("hex")}`, randomBytes(12).toString("hex")),
        async client(user: RegisteredUser, cryptoStore?: CryptoStoreOption) {
          const c = await createMatrixClient({ baseUrl: hs.baseUrl, ...user, cryptoStore });
          clients.push(c);
          await startSyncing(c);
          return c;
        },
        close: () => hs.stop(),
      };
      return server;
    }),
  );
  const servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(servers.map((s) => s.close()));
    // The temp dir stays: its synapse.log and homeserver.log say why.
    throw new Error(`the federation did not start; logs under ${tmp.dir}`, { cause: failed.reason });
  }
  return {
    servers,
    async close() {
      for (const c of clients) c.stopClient();
      await Promise.all(servers.map((s) => s.close()));
      await tmp.cleanup();
    },
  };
}
