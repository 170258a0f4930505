import { describe, expect, it } from "vitest";
import { decodeExtraction, guessKind, nameKey, parseExtraction } from "../../../src/directory/index.ts";
import { candidateFrom } from "../../../src/directory/import-rows.ts";
import { PasserelleError } from "../../../src/core/index.ts";
import {
  syntheticExtraction,
  syntheticHeader,
  syntheticLine,
  syntheticRpps,
} from "../../helpers/directory-synthetic.ts";

const candidates = (text: string) => {
  const p = parseExtraction(text);
  return p.records.map((r) => candidateFrom(r, p.columnCount));
};

describe("Annuaire Santé extraction", () => {
  it("parses the pipe-separated format with its trailing pipe and line numbers", () => {
    const p = parseExtraction(syntheticExtraction(3));
    expect(p.records).toHaveLength(3);
    expect(p.records.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(p.records[0]?.values).toMatchObject({
      id: syntheticRpps(0),
      lastName: "MARTIN",
      professionCode: "10",
    });
    expect(p.records[0]?.fieldCount).toBe(p.columnCount);
  });

  it("matches headers without accents or case, ignores unknown columns, keeps quotes as data", () => {
    const text =
      "IDENTIFIANT PP|NOM D'EXERCICE|PRENOM D EXERCICE|Code profession|Autre|\n" +
      `${syntheticRpps(1)}|O"BRIEN|Zoé|60|x|\n`;
    const p = parseExtraction(text);
    expect(p.records[0]?.values).toEqual({
      id: syntheticRpps(1),
      lastName: 'O"BRIEN',
      firstName: "Zoé",
      professionCode: "60",
    });
  });

  it("fails the whole file when a required column is missing, naming it", () => {
    try {
      parseExtraction("Identifiant PP|Nom d'exercice|\n1|X|\n");
      expect.unreachable();
    } catch (e) {
      expect((e as PasserelleError).issues[0]?.path).toBe("header.Code profession");
    }
    expect(() => parseExtraction("")).toThrow(PasserelleError);
  });

  it("detects UTF-8 and Latin-1", () => {
    const text = syntheticExtraction(2);
    const utf8 = decodeExtraction(Buffer.from("\ufeff" + text, "utf8"));
    expect(utf8.encoding).toBe("utf-8");
    expect(parseExtraction(utf8.text).records[0]?.values.lastName).toBe("MARTIN");
    const latin1 = decodeExtraction(Buffer.from(text, "latin1"));
    expect(latin1.encoding).toBe("latin-1");
    expect(latin1.text).toBe(text);
  });

  it("rejects bad rows with their line and a reason, without echoing values", () => {
    const rpps = syntheticRpps(5);
    const badKey = rpps.slice(0, 10) + String((Number(rpps[10]) + 1) % 10);
    const lines = [
      syntheticHeader(),
      syntheticLine(1),
      syntheticLine(2, { "Identifiant PP": badKey }),
      syntheticLine(3, { "Identifiant PP": "123456" }),
      syntheticLine(4, { "Code profession": "99" }),
      syntheticLine(5, { "Nom d'exercice": "" }),
      syntheticLine(6, { "Numéro FINESS site": "750000001" }),
      syntheticLine(7).replace(/\|$/, "|extra|"),
      syntheticLine(8, { "Type d'identifiant PP": "0", "Identifiant PP": "75ABC" }),
    ];
    const out = candidates(lines.join("\n"));
    expect(out[0]).toHaveProperty("key", `rpps:${syntheticRpps(1)}`);
    const rejected = out.slice(1) as { line: number; rule: string; reason: string }[];
    expect(rejected.map((r) => [r.line, r.rule])).toEqual([
      [3, "rpps.key"],
      [4, "rpps.length"],
      [5, "profession.unknown"],
      [6, "required"],
      [7, "finess.key"],
      [8, "columns"],
      [9, "adeli.length"],
    ]);
    expect(rejected[0]?.reason).toMatch(/RPPS has a bad check key/);
    expect(JSON.stringify(rejected)).not.toContain(badKey);
  });

  it("accepts ADELI rows and national ids", () => {
    const text =
      "Identification nationale PP|Nom d'exercice|Code profession|\n" + `8${syntheticRpps(9)}|ROUX|70|\n`;
    expect(candidates(text)[0]).toMatchObject({ rpps: syntheticRpps(9) });
  });
});

describe("names and kinds", () => {
  it("normalises names for prefix search", () => {
    expect(nameKey("Lefèvre-Dupont", "Zoé")).toBe("LEFEVRE DUPONT ZOE");
    expect(nameKey("  ", undefined)).toBe("");
  });

  it("guesses structure kinds from sector and name", () => {
    expect(guessKind("EHPAD LES TILLEULS", undefined, "60")).toBe("ehpad");
    expect(guessKind("CH DE SAINT-DENIS", undefined, "10")).toBe("hospital");
    expect(guessKind("X", "SA01", "10")).toBe("hospital");
    expect(guessKind("PHARMACIE DU MARCHE", undefined, "21")).toBe("pharmacy");
    expect(guessKind("CENTRE DE SANTÉ MUNICIPAL", undefined, "10")).toBe("health_centre");
    expect(guessKind("CPTS PARIS 11", undefined, "10")).toBe("cpts");
    expect(guessKind("CABINET", undefined, "10")).toBe("practice");
  });
});
