package org.acstokenservice.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The emulator's TLS certificate, made fresh at each start so that no private key ships
 * with the code. The private key never leaves memory; only the certificate is written out
 * (PEM), for programs that must trust it.
 */
final class SelfSignedCertificate {

	private static final char[] KEY_STORE_PASSWORD = "emulator".toCharArray();

	private final KeyPair keyPair;

	private final X509Certificate certificate;

	private SelfSignedCertificate(KeyPair keyPair, X509Certificate certificate) {
		this.keyPair = keyPair;
		this.certificate = certificate;
	}

	/**
	 * Makes a certificate for {@code 127.0.0.1}, {@code ::1}, {@code localhost} and the
	 * given host. Its validity follows the real time, not the emulator's clock: clients
	 * check it against theirs.
	 */
	static SelfSignedCertificate generate(String host) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			KeyPair keyPair = generator.generateKeyPair();
			Instant now = Instant.now();
			X500Name subject = new X500Name("CN=ACS Token Service emulator");
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
					new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))), subject,
					keyPair.getPublic());
			builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(host));
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
			builder.addExtension(Extension.extendedKeyUsage, false,
					new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
			X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
					builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
			return new SelfSignedCertificate(keyPair, certificate);
		}
		catch (GeneralSecurityException | OperatorCreationException | CertIOException ex) {
			throw new IllegalStateException("Cannot create the emulator's TLS certificate", ex);
		}
	}

	X509Certificate certificate() {
		return this.certificate;
	}

	SSLContext serverContext() {
		try {
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(null, null);
			keyStore.setKeyEntry("emulator", this.keyPair.getPrivate(), KEY_STORE_PASSWORD,
					new X509Certificate[] { this.certificate });
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keyStore, KEY_STORE_PASSWORD);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers.getKeyManagers(), null, null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot create the emulator's TLS context", ex);
		}
	}

	String pem() {
		try {
			return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
				.encodeToString(this.certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot encode the emulator's TLS certificate", ex);
		}
	}

	/** Writes the PEM atomically, so that a program reading it never sees half a file. */
	void writePem(Path file) {
		try {
			Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".acs-emulator-cert", ".tmp");
			try {
				Files.writeString(temporary, pem(), StandardCharsets.US_ASCII);
				/*
				 * createTempFile made it owner-only; a certificate is public, and other
				 * users' programs may need to trust it.
				 */
				if (Files.getFileStore(temporary).supportsFileAttributeView(PosixFileAttributeView.class)) {
					Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
				}
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			finally {
				Files.deleteIfExists(temporary);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the emulator's certificate to " + file, ex);
		}
	}

	private static GeneralNames subjectAlternativeNames(String host) {
		Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
		Set<String> names = new LinkedHashSet<>(List.of("localhost"));
		if (isIpLiteral(host)) {
			ips.add(stripBrackets(host));
		}
		else {
			names.add(host);
		}
		List<GeneralName> all = new ArrayList<>();
		ips.forEach((ip) -> all.add(new GeneralName(GeneralName.iPAddress, ip)));
		names.forEach((name) -> all.add(new GeneralName(GeneralName.dNSName, name)));
		return new GeneralNames(all.toArray(GeneralName[]::new));
	}

	static boolean isIpLiteral(String host) {
		String bare = stripBrackets(host);
		if (bare.contains(":")) {
			return true;
		}
		if (!bare.matches("[0-9.]+")) {
			return false;
		}
		try {
			// Only a literal reaches here, so no name lookup happens.
			InetAddress.getByName(bare);
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static String stripBrackets(String host) {
		return (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
	}

}
