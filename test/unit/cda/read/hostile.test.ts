import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { MAX_CDA_BYTES, readCda } from "../../../../src/cda/read/index.ts";
import { isPasserelleError, type PasserelleError } from "../../../../src/core/index.ts";
import { encode, n1Document } from "../../../helpers/cda-hospital.ts";

/** Runs `f`, expects a PasserelleError, and returns it with the time taken. */
function refused(f: () => unknown): { e: PasserelleError; ms: number } {
  const t0 = performance.now();
  try {
    f();
  } catch (e) {
    if (!isPasserelleError(e)) throw e;
    return { e, ms: performance.now() - t0 };
  }
  throw new Error("expected the document to be refused");
}

describe("readCda refuses hostile XML quickly, with a clear code", () => {
  it("an external entity to /etc/passwd (XXE): refused at the DOCTYPE, the file never read", () => {
    const xml = n1Document({
      prolog: '\n<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    }).replace("<title>Lettre de liaison à la sortie (PDF)</title>", "<title>&xxe;</title>");
    const { e, ms } = refused(() => readCda(encode(xml)));
    expect(e.code).toBe("XML_REFUSED");
    expect(e.issues[0]).toMatchObject({ path: "/", rule: "DOCTYPE" });
    expect(JSON.stringify(e)).not.toContain("root:x:0");
    expect(ms).toBeLessThan(2000);
  });

  it("an external entity fetched over HTTP is never fetched", async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end("<x/>");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const xml = n1Document({
      prolog: `\n<!DOCTYPE ClinicalDocument SYSTEM "http://127.0.0.1:${String(port)}/cda.dtd">`,
    });
    const { e } = refused(() => readCda(encode(xml)));
    await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => server.close(r));
    expect(e.code).toBe("XML_REFUSED");
    expect(hits).toBe(0);
  });

  it("entity expansion (billion laughs): refused at the DOCTYPE, nothing expanded", () => {
    const lol = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 9; i++)
      lol.push(`<!ENTITY lol${String(i)} "${`&lol${String(i - 1)};`.repeat(10)}">`);
    const xml = n1Document({ prolog: `\n<!DOCTYPE ClinicalDocument [${lol.join("")}]>` }).replace(
      "<title>Lettre de liaison à la sortie (PDF)</title>",
      "<title>&lol9;</title>",
    );
    const { e, ms } = refused(() => readCda(encode(xml)));
    expect(e.code).toBe("XML_REFUSED");
    expect(ms).toBeLessThan(2000);
  });

  it("an undeclared entity reference without DOCTYPE is malformed XML, not expanded", () => {
    const xml = n1Document().replace(
      "<title>Lettre de liaison à la sortie (PDF)</title>",
      "<title>&lol9;</title>",
    );
    const { e } = refused(() => readCda(encode(xml)));
    expect(e.code).toBe("XML_MALFORMED");
    expect(e.issues[0]?.path).toBe("/ClinicalDocument/title");
  });

  it("a 50 MB document: refused before decoding, under the documented limit", () => {
    const filler = Buffer.alloc(50 * 1024 * 1024, 0x41);
    const big = Buffer.concat([encode(n1Document()).subarray(0, 200), filler]);
    expect(big.length).toBeGreaterThan(MAX_CDA_BYTES);
    const { e, ms } = refused(() => readCda(big));
    expect(e.code).toBe("PAYLOAD_TOO_LARGE");
    expect(e.issues[0]).toMatchObject({ rule: "size limit" });
    expect(e.issues[0]?.message.en).toContain("40 MiB");
    expect(ms).toBeLessThan(2000);
  });

  it("a scanned N1 just under the limit (about 29 MB of PDF) is read within a few seconds", () => {
    const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(29 * 1024 * 1024, 7)]);
    const xml = encode(n1Document({ pdf }));
    expect(xml.length).toBeLessThan(MAX_CDA_BYTES);
    const t0 = performance.now();
    const r = readCda(xml);
    const ms = performance.now() - t0;
    if (r.body.kind !== "nonXML") throw new Error("expected a nonXMLBody");
    expect(r.body.embedded.bytes.length).toBe(pdf.length);
    expect(ms).toBeLessThan(15_000);
  });

  it("deep nesting and an unknown encoding are refused", () => {
    const deep = n1Document().replace(
      "<title>Lettre de liaison à la sortie (PDF)</title>",
      `${"<a>".repeat(5000)}${"</a>".repeat(5000)}`,
    );
    const d = refused(() => readCda(encode(deep)));
    expect(d.e.code).toBe("XML_REFUSED");
    expect(d.e.issues[0]?.rule).toBe("depth limit");
    const ebcdic = refused(() =>
      readCda(encode(n1Document().replace('encoding="UTF-8"', 'encoding="EBCDIC-CP-US"'))),
    );
    expect(ebcdic.e.code).toBe("XML_REFUSED");
    expect(ebcdic.e.issues[0]?.rule).toBe("encoding");
  });
});
