/*
 * Validates a signed PDF with the EU DSS library (eu.europa.ec.joinup.sd-dss, ETSI EN 319 102-1
 * validation with DSS's default policy), offline, trusting the CA certificates given after the PDF.
 * Prints one line per signature: id, format, indication, sub-indication, signer.
 * Usage: java -cp <dss jars> test/dss/DssValidate.java file.pdf ca1.pem [ca2.pem…]
 */
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.SignedDocumentValidator;
import eu.europa.esig.dss.validation.reports.Reports;
import java.io.File;

public class DssValidate {
  public static void main(String[] args) throws Exception {
    CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
    for (int i = 1; i < args.length; i++) {
      trusted.addCertificate(DSSUtils.loadCertificate(new File(args[i])));
    }
    CommonCertificateVerifier verifier = new CommonCertificateVerifier();
    verifier.setTrustedCertSources(trusted);
    verifier.setCrlSource(null);
    verifier.setOcspSource(null);
    verifier.setAIASource(null);
    SignedDocumentValidator validator = SignedDocumentValidator.fromDocument(new FileDocument(args[0]));
    validator.setCertificateVerifier(verifier);
    Reports reports = validator.validateDocument();
    SimpleReport simple = reports.getSimpleReport();
    System.out.println("signatures=" + simple.getSignaturesCount());
    for (String id : simple.getSignatureIdList()) {
      System.out.println(
          "signature format=" + simple.getSignatureFormat(id)
              + " indication=" + simple.getIndication(id)
              + " subIndication=" + simple.getSubIndication(id)
              + " signedBy=" + simple.getSignedBy(id)
              + " intact=" + reports.getDiagnosticData().getSignatureById(id).isSignatureIntact()
              + " cryptoValid=" + reports.getDiagnosticData().getSignatureById(id).isSignatureValid()
              + " errors=" + simple.getAdESValidationErrors(id).stream().map(m -> m.getValue()).toList());
    }
  }
}
