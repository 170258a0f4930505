/**
 * The establishment read from the signer certificate's subject: IGC-Santé organisation
 * certificates carry the structure's national identifier in the OU (`1` + FINESS, `3` + SIRET…),
 * development certificates made before that rule carry `FINESS:<n°>`.
 */
import { describe, expect, it } from "vitest";
import { identity } from "../../../../src/pdf/verify/verify-identity.ts";
import { loadCertificate } from "../../../../src/pdf/verify/verify-read.ts";
import { issue } from "./verify-variants.ts";

const finessOf = (ou: string | undefined): string | undefined =>
  identity(loadCertificate(issue({ cn: "Cachet", ...(ou === undefined ? {} : { ou }) }).der)).finess;

describe("signer identity: the FINESS of the subject's OU", () => {
  it("reads the structure's national identifier 1 + FINESS, Corsican forms included", () => {
    expect(finessOf("1750712184")).toBe("750712184");
    expect(finessOf("12A0000154")).toBe("2A0000154");
  });

  it("still reads the older development form FINESS:<n°>", () => {
    expect(finessOf("FINESS:699990016")).toBe("699990016");
  });

  it("finds no FINESS in another kind of structure identifier, a bare number or no OU", () => {
    expect(finessOf("373207003000014")).toBeUndefined(); // 3 + SIRET
    expect(finessOf("750712184")).toBeUndefined(); // no type digit
    expect(finessOf("17507121840")).toBeUndefined(); // one digit too many
    expect(finessOf(undefined)).toBeUndefined();
  });
});
