package org.acstokenservice.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.acstokenservice.emulator.EmulatorState.Identity;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps an {@link EmulatorState} in a data directory: a snapshot
 * ({@value #SNAPSHOT_FILE}, replaced atomically) plus a journal of changes
 * ({@value #JOURNAL_FILE}, one JSON line per change), folded into a fresh snapshot at
 * each start and whenever the journal grows long. A lock on {@value #LOCK_FILE} keeps a
 * second emulator out of the directory, as two emulators writing one journal would
 * corrupt it.
 * <p>
 * Rewriting one snapshot per change would cost time proportional to the number of
 * identities, which a benchmark creating thousands of identities would feel. Replaying
 * the journal is idempotent, so a crash between writing the snapshot and emptying the
 * journal loses nothing.
 * <p>
 * Not thread-safe: {@link EmulatorState} calls it under its own lock, which also keeps
 * the order of the journal's lines the order of the changes.
 */
final class StateJournal implements AutoCloseable {

	static final String SNAPSHOT_FILE = "acs-emulator-state.json";

	static final String JOURNAL_FILE = "acs-emulator-journal.jsonl";

	static final String LOCK_FILE = "acs-emulator.lock";

	private static final int COMPACT_AFTER_EVENTS = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(StateJournal.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Path directory;

	private @Nullable FileLock directoryLock;

	private @Nullable FileChannel journal;

	private int journalEvents;

	private StateJournal(Path directory, FileLock directoryLock) {
		this.directory = directory;
		this.directoryLock = directoryLock;
	}

	/**
	 * Creates the directory if need be and locks it; {@link #close()} releases it.
	 * @throws IllegalStateException if another emulator holds the lock
	 */
	static StateJournal open(Path directory) {
		try {
			Files.createDirectories(directory);
			return new StateJournal(directory, lock(directory));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the emulator state in " + directory, ex);
		}
	}

	private static FileLock lock(Path directory) throws IOException {
		FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
		FileLock lock;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		if (lock == null) {
			channel.close();
			throw new IllegalStateException("Another ACS emulator is using " + directory);
		}
		return lock;
	}

	/**
	 * What the directory holds: the snapshot with the journal's changes replayed on it.
	 * Without a snapshot (a new resource) only the identities, if any, are known.
	 */
	Contents read() {
		try {
			Path snapshotFile = this.directory.resolve(SNAPSHOT_FILE);
			Map<String, Identity> identities = new HashMap<>();
			Snapshot snapshot = null;
			if (Files.exists(snapshotFile)) {
				snapshot = json.readValue(snapshotFile.toFile(), Snapshot.class);
				for (StoredIdentity stored : snapshot.identities()) {
					Identity identity = stored.toIdentity();
					identities.put(identity.id(), identity);
				}
			}
			replayJournal(identities);
			if (snapshot == null) {
				return new Contents(null, null, null, List.copyOf(identities.values()));
			}
			return new Contents(snapshot.resourceId(), snapshot.accessKey(), decodeSigningKey(snapshot.signingKey()),
					List.copyOf(identities.values()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the emulator state in " + this.directory, ex);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("Cannot read the emulator state in " + this.directory, ex);
		}
	}

	/**
	 * Appends one change, already made or about to be made in memory.
	 * @return whether the journal has grown long enough to {@link #compact(Contents)}
	 */
	boolean append(Event event) {
		if (this.journal == null) {
			throw new IllegalStateException("The emulator state is closed");
		}
		try {
			byte[] line = (json.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
			ByteBuffer buffer = ByteBuffer.wrap(line);
			while (buffer.hasRemaining()) {
				this.journal.write(buffer);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the emulator journal", ex);
		}
		return ++this.journalEvents >= COMPACT_AFTER_EVENTS;
	}

	/** Writes a snapshot of the contents atomically, then starts an empty journal. */
	void compact(Contents contents) {
		try {
			List<StoredIdentity> stored = new ArrayList<>();
			contents.identities().forEach((identity) -> stored.add(StoredIdentity.of(identity)));
			stored.sort(Comparator.comparing(StoredIdentity::id));
			String resourceId = Objects.requireNonNull(contents.resourceId(), "a running state has a resource id");
			KeyPair signingKey = Objects.requireNonNull(contents.signingKey(), "a running state has a signing key");
			Snapshot snapshot = new Snapshot(1, resourceId, contents.accessKey(),
					Base64.getEncoder().encodeToString(signingKey.getPrivate().getEncoded()), stored);
			// createTempFile makes it owner-only (on POSIX): it holds the signing key.
			Path temporary = Files.createTempFile(this.directory, ".acs-emulator-state", ".tmp");
			try {
				Files.write(temporary, json.writeValueAsBytes(snapshot));
				Files.move(temporary, this.directory.resolve(SNAPSHOT_FILE), StandardCopyOption.ATOMIC_MOVE,
						StandardCopyOption.REPLACE_EXISTING);
			}
			finally {
				Files.deleteIfExists(temporary);
			}
			if (this.journal != null) {
				this.journal.close();
			}
			this.journal = FileChannel.open(this.directory.resolve(JOURNAL_FILE), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
			this.journalEvents = 0;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the emulator state in " + this.directory, ex);
		}
	}

	/** Closes the journal and releases the directory; safe to call more than once. */
	@Override
	public void close() {
		if (this.journal != null) {
			try {
				this.journal.close();
			}
			catch (IOException ex) {
				logger.warn("Could not close the emulator journal", ex);
			}
			this.journal = null;
		}
		if (this.directoryLock != null) {
			try {
				this.directoryLock.channel().close();
			}
			catch (IOException ex) {
				logger.warn("Could not release the emulator state lock", ex);
			}
			this.directoryLock = null;
		}
	}

	private void replayJournal(Map<String, Identity> identities) throws IOException {
		Path journalFile = this.directory.resolve(JOURNAL_FILE);
		if (!Files.exists(journalFile)) {
			return;
		}
		for (String line : Files.readAllLines(journalFile, StandardCharsets.UTF_8)) {
			if (line.isBlank()) {
				continue;
			}
			try {
				apply(json.readValue(line, Event.class), identities);
			}
			catch (JacksonException ex) {
				// A crash in the middle of an append leaves a partial last line.
				logger.warn("Skipping an unreadable line of the emulator journal {}", journalFile);
			}
		}
	}

	private static void apply(Event event, Map<String, Identity> identities) {
		Instant at = Instant.ofEpochMilli(event.at());
		switch (event.op()) {
			case "create" -> identities.putIfAbsent(event.id(), new Identity(event.id(), at, 0, null, null));
			case "revoke" -> identities.computeIfPresent(event.id(), (id, current) -> new Identity(id,
					current.createdAt(), Math.max(current.generation(), event.generation()), at, current.deletedAt()));
			case "delete" -> identities.computeIfPresent(event.id(), (id, current) -> new Identity(id,
					current.createdAt(), current.generation(), current.revokedAt(), at));
			default -> logger.warn("Skipping an unknown emulator journal event '{}'", event.op());
		}
	}

	private static KeyPair decodeSigningKey(String pkcs8) {
		try {
			KeyFactory factory = KeyFactory.getInstance("RSA");
			RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) factory
				.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pkcs8)));
			return new KeyPair(factory.generatePublic(
					new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent())), privateKey);
		}
		catch (GeneralSecurityException | IllegalArgumentException | ClassCastException ex) {
			// No detail: the message must not echo key material.
			throw new IllegalStateException("The stored token signing key is not a valid RSA key");
		}
	}

	/**
	 * What a data directory keeps of a resource.
	 *
	 * @param resourceId {@code null} when the directory holds no snapshot yet
	 * @param accessKey {@code null} when the directory holds no snapshot yet, or one
	 * written before the key was kept
	 * @param signingKey {@code null} when the directory holds no snapshot yet
	 */
	record Contents(@Nullable String resourceId, @Nullable String accessKey, @Nullable KeyPair signingKey,
			Collection<Identity> identities) {

		// Keeps the keys out of logs and exception messages.
		@Override
		public String toString() {
			return "Contents[resourceId=" + this.resourceId + ", identities=" + this.identities.size() + "]";
		}

	}

	/**
	 * One change, as a journal line; replaying it twice changes nothing more.
	 *
	 * @param op {@code create}, {@code revoke} or {@code delete}
	 * @param at when, in epoch milliseconds
	 * @param generation the identity's generation after the change
	 */
	record Event(String op, String id, long at, int generation) {

		static Event created(Identity identity) {
			return new Event("create", identity.id(), identity.createdAt().toEpochMilli(), 0);
		}

		static Event revoked(Identity identity) {
			Instant revokedAt = Objects.requireNonNull(identity.revokedAt(), "a revoked identity's revokedAt");
			return new Event("revoke", identity.id(), revokedAt.toEpochMilli(), identity.generation());
		}

		static Event deleted(Identity identity) {
			Instant deletedAt = Objects.requireNonNull(identity.deletedAt(), "a deleted identity's deletedAt");
			return new Event("delete", identity.id(), deletedAt.toEpochMilli(), identity.generation());
		}

	}

	record Snapshot(int version, String resourceId, @Nullable String accessKey, String signingKey,
			List<StoredIdentity> identities) {

		// Keeps the private key out of logs and exception messages.
		@Override
		public String toString() {
			return "Snapshot[resourceId=" + this.resourceId + ", identities=" + this.identities.size() + "]";
		}

	}

	record StoredIdentity(String id, long createdAt, int generation, @Nullable Long revokedAt,
			@Nullable Long deletedAt) {

		static StoredIdentity of(Identity identity) {
			return new StoredIdentity(identity.id(), identity.createdAt().toEpochMilli(), identity.generation(),
					(identity.revokedAt() != null) ? identity.revokedAt().toEpochMilli() : null,
					(identity.deletedAt() != null) ? identity.deletedAt().toEpochMilli() : null);
		}

		Identity toIdentity() {
			return new Identity(this.id, Instant.ofEpochMilli(this.createdAt), this.generation,
					(this.revokedAt != null) ? Instant.ofEpochMilli(this.revokedAt) : null,
					(this.deletedAt != null) ? Instant.ofEpochMilli(this.deletedAt) : null);
		}

	}

}
