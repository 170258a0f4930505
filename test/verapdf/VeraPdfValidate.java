/*
 * Validates PDF files against PDF/A-3b (ISO 19005-3, level B) with the veraPDF library
 * (org.verapdf:validation-model, the reference PDF/A validator of the PDF Association).
 * Prints, per file, `compliant=true|false` and each failed rule (clause, test number, description).
 * Usage: java -cp <veraPDF jars> test/verapdf/VeraPdfValidate.java file.pdf [file2.pdf…]
 */
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.TreeSet;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

public class VeraPdfValidate {
  public static void main(String[] args) throws Exception {
    VeraGreenfieldFoundryProvider.initialise();
    for (String path : args) {
      try (InputStream in = new FileInputStream(path);
          PDFAParser parser = Foundries.defaultInstance().createParser(in, PDFAFlavour.PDFA_3_B);
          PDFAValidator validator = Foundries.defaultInstance().createValidator(PDFAFlavour.PDFA_3_B, false)) {
        ValidationResult result = validator.validate(parser);
        System.out.println("file=" + path + " compliant=" + result.isCompliant());
        TreeSet<String> failed = new TreeSet<>();
        for (TestAssertion a : result.getTestAssertions()) {
          if (a.getStatus() == TestAssertion.Status.FAILED) {
            failed.add("failed " + a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber() + " " + a.getMessage());
          }
        }
        failed.forEach(System.out::println);
      }
    }
  }
}
