import { describe, expect, it } from "vitest";
import { child } from "../../../../src/cda/read/dom.ts";
import { flattenNarrative } from "../../../../src/cda/read/narrative.ts";
import { parseXml } from "../../../../src/cda/read/xml.ts";

const flatten = (inner: string): string =>
  flattenNarrative(
    child(parseXml(Buffer.from(`<section xmlns="urn:hl7-org:v3"><text>${inner}</text></section>`)), "text"),
  );

describe("flattenNarrative (CDA R2 section narrative block, StrucDoc.Text)", () => {
  it("keeps free text, collapses whitespace, and breaks lines at br and blocks", () => {
    expect(flatten("  Texte   libre\n  sur  deux<br/>lignes  ")).toBe("Texte libre sur deux\nlignes");
    expect(flatten("<paragraph>Un</paragraph>entre<paragraph>Deux</paragraph>")).toBe("Un\nentre\nDeux");
  });

  it("renders lists, captions, tables with header rows, and paragraphs inside cells on one line", () => {
    expect(
      flatten('<list listType="unordered"><item>a</item><item><paragraph>b</paragraph></item></list>'),
    ).toBe("- a\n- b");
    expect(
      flatten(
        '<list listType="ordered"><item><paragraph>x</paragraph><paragraph>y</paragraph></item><item/><item>z</item></list>',
      ),
    ).toBe("1. x\ny\n3. z");
    expect(
      flatten(
        "<table><caption>Bilan</caption><colgroup><col/></colgroup><thead><tr><th>Examen</th><th>Valeur</th></tr></thead>" +
          "<tbody><tr><td><paragraph>Na</paragraph><paragraph>(sang)</paragraph></td><td>140</td></tr></tbody>" +
          "<tfoot><tr><td>fin</td></tr></tfoot></table>",
      ),
    ).toBe("Bilan\nExamen | Valeur\nNa (sang) | 140\nfin");
  });

  it("gives inline markup its text, marks multimedia, and skips elements of other namespaces", () => {
    expect(
      flatten(
        'Na<sub>+</sub> <content styleCode="Bold">élevé</content><footnote>note</footnote> <renderMultiMedia referencedObject="img1"/> <linkHtml href="#x">lien</linkHtml>',
      ),
    ).toBe("Na+ élevénote [multimedia] lien");
    expect(flatten('<x:foo xmlns:x="urn:other">autre</x:foo> texte')).toBe("texte");
  });
});
