package benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * The run's secrets: the ACS access key and the database password, made up for the run;
 * the files of bearer tokens in the work directory, which only this user may read and
 * which {@link #deleteFiles()} removes at the end; and the check that no log holds any of
 * them.
 */
final class Secrets {

	private final Path work;

	private final Report report;

	private final String accessKey = randomKey();

	private final String databasePassword = randomKey();

	/**
	 * @param work the work directory, where the token files and the logs are
	 * @param report where a log holding a secret is told
	 */
	Secrets(Path work, Report report) {
		this.work = work;
		this.report = report;
	}

	/** The ACS access key that the emulator and its clients share. */
	String accessKey() {
		return this.accessKey;
	}

	/** The password of PostgreSQL's user, which the services sign in with. */
	String databasePassword() {
		return this.databasePassword;
	}

	/**
	 * A new file in the work directory that only this user may read, for bearer tokens;
	 * its name ends with {@code .tokens}, so that {@link #deleteFiles()} deletes it.
	 */
	Path file(String name) throws IOException {
		return Files.createFile(this.work.resolve(name),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
	}

	/**
	 * The logs of this run hold none of the secrets it handed out: the access key, the
	 * database password and the {@code more} of the rows run (tokens).
	 */
	void checkNoneLogged(List<String> more) throws IOException {
		List<String> secrets = new ArrayList<>(List.of(this.accessKey, this.databasePassword));
		secrets.addAll(more);
		try (Stream<Path> files = Files.list(this.work)) {
			for (Path log : files.filter((file) -> file.toString().endsWith(".log")).sorted().toList()) {
				String text = Files.readString(log);
				if (secrets.stream().anyMatch(text::contains)) {
					this.report.problem(log.getFileName() + " holds a token, key or password");
				}
			}
		}
	}

	/** Deletes the files of bearer tokens. */
	void deleteFiles() {
		try (Stream<Path> files = Files.list(this.work)) {
			for (Path file : files.filter((file) -> file.toString().endsWith(".tokens")).toList()) {
				Files.delete(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

}
