package org.acstokenservice.emulator;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SelfSignedCertificateTests {

	@TempDir
	Path directory;

	@Test
	void generateWhenLoopbackThenNamesLoopbackAndLocalhost() throws Exception {
		X509Certificate certificate = SelfSignedCertificate.generate("127.0.0.1").certificate();
		assertThat(certificate.getSubjectAlternativeNames()).contains(List.of(7, "127.0.0.1"), List.of(2, "localhost"));
		assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
		certificate.checkValidity();
		certificate.verify(certificate.getPublicKey());
	}

	@Test
	void generateWhenHostNameThenNamesItToo() throws Exception {
		X509Certificate certificate = SelfSignedCertificate.generate("emulator.test").certificate();
		assertThat(certificate.getSubjectAlternativeNames()).contains(List.of(2, "emulator.test"),
				List.of(7, "127.0.0.1"));
	}

	@Test
	void writePemWhenWrittenThenParsesBackToSameCertificate() throws Exception {
		SelfSignedCertificate certificate = SelfSignedCertificate.generate("127.0.0.1");
		Path file = this.directory.resolve("cert.pem");
		certificate.writePem(file);
		X509Certificate read = (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(Files.readString(file).getBytes(StandardCharsets.US_ASCII)));
		assertThat(read).isEqualTo(certificate.certificate());
		assertThat(Files.list(this.directory)).containsExactly(file);
	}

}
