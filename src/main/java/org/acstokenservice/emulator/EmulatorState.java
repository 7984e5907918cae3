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
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the emulated ACS resource remembers: its id, the key that signs its tokens, the
 * default access key, and every identity with its revocations and deletion.
 * <p>
 * With a data directory, the state is a snapshot ({@value #SNAPSHOT_FILE}, replaced
 * atomically) plus a journal of changes ({@value #JOURNAL_FILE}, one JSON line per
 * change) folded into a fresh snapshot at each start and whenever it grows long.
 * Rewriting one snapshot per change would cost time proportional to the number of
 * identities, which a benchmark creating thousands of identities would feel. Replaying
 * the journal is idempotent, so a crash between writing the snapshot and emptying the
 * journal loses nothing.
 */
final class EmulatorState implements AutoCloseable {

	static final String SNAPSHOT_FILE = "acs-emulator-state.json";

	static final String JOURNAL_FILE = "acs-emulator-journal.jsonl";

	static final String LOCK_FILE = "acs-emulator.lock";

	private static final int COMPACT_AFTER_EVENTS = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(EmulatorState.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String resourceId;

	private final String defaultAccessKey;

	private final KeyPair signingKey;

	private final Map<String, Identity> identities = new ConcurrentHashMap<>();

	private final Path directory;

	// Guards the journal and keeps the order of its lines the order of the changes.
	private final Object lock = new Object();

	private FileChannel journal;

	// Two emulators writing one journal would corrupt it.
	private FileLock directoryLock;

	private int journalEvents;

	private EmulatorState(String resourceId, String defaultAccessKey, KeyPair signingKey, Path directory) {
		this.resourceId = resourceId;
		this.defaultAccessKey = defaultAccessKey;
		this.signingKey = signingKey;
		this.directory = directory;
	}

	static EmulatorState inMemory() {
		return new EmulatorState(UUID.randomUUID().toString(), randomAccessKey(), generateSigningKey(), null);
	}

	static EmulatorState open(Path directory) {
		FileLock directoryLock = null;
		try {
			Files.createDirectories(directory);
			directoryLock = lock(directory);
			Path snapshotFile = directory.resolve(SNAPSHOT_FILE);
			EmulatorState state;
			if (Files.exists(snapshotFile)) {
				Snapshot snapshot = json.readValue(snapshotFile.toFile(), Snapshot.class);
				state = new EmulatorState(snapshot.resourceId(),
						(snapshot.accessKey() != null) ? snapshot.accessKey() : randomAccessKey(),
						decodeSigningKey(snapshot.signingKey()), directory);
				for (StoredIdentity stored : snapshot.identities()) {
					Identity identity = stored.toIdentity();
					state.identities.put(identity.id(), identity);
				}
			}
			else {
				state = new EmulatorState(UUID.randomUUID().toString(), randomAccessKey(), generateSigningKey(),
						directory);
			}
			state.directoryLock = directoryLock;
			state.replayJournal();
			state.compact();
			return state;
		}
		catch (IOException | RuntimeException ex) {
			release(directoryLock);
			if (ex instanceof IOException io) {
				throw new UncheckedIOException("Cannot open the emulator state in " + directory, io);
			}
			if (ex instanceof JacksonException) {
				throw new IllegalStateException("Cannot read the emulator state in " + directory, ex);
			}
			throw (RuntimeException) ex;
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

	private static void release(FileLock lock) {
		if (lock != null) {
			try {
				lock.channel().close();
			}
			catch (IOException ex) {
				logger.warn("Could not release the emulator state lock", ex);
			}
		}
	}

	String resourceId() {
		return this.resourceId;
	}

	String defaultAccessKey() {
		return this.defaultAccessKey;
	}

	KeyPair signingKey() {
		return this.signingKey;
	}

	Optional<Identity> find(String id) {
		return Optional.ofNullable(this.identities.get(id));
	}

	int liveCount() {
		return (int) this.identities.values().stream().filter((identity) -> !identity.deleted()).count();
	}

	Identity create(Instant now) {
		Identity identity = new Identity("8:acs:" + this.resourceId + "_" + UUID.randomUUID(), now, 0, null, null);
		synchronized (this.lock) {
			record(new Event("create", identity.id(), now.toEpochMilli(), 0));
			this.identities.put(identity.id(), identity);
		}
		return identity;
	}

	/**
	 * Revokes every token issued so far; empty when the identity is unknown or deleted.
	 */
	Optional<Identity> revoke(String id, Instant now) {
		synchronized (this.lock) {
			Identity current = this.identities.get(id);
			if (current == null || current.deleted()) {
				return Optional.empty();
			}
			Identity revoked = new Identity(id, current.createdAt(), current.generation() + 1, now, null);
			record(new Event("revoke", id, now.toEpochMilli(), revoked.generation()));
			this.identities.put(id, revoked);
			return Optional.of(revoked);
		}
	}

	/** Deletes the identity; false when it is unknown or already deleted. */
	boolean delete(String id, Instant now) {
		synchronized (this.lock) {
			Identity current = this.identities.get(id);
			if (current == null || current.deleted()) {
				return false;
			}
			// Keep a tombstone, so that the identity's tokens stay invalid.
			Identity deleted = new Identity(id, current.createdAt(), current.generation(), current.revokedAt(), now);
			record(new Event("delete", id, now.toEpochMilli(), current.generation()));
			this.identities.put(id, deleted);
			return true;
		}
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.journal != null) {
				try {
					this.journal.close();
				}
				catch (IOException ex) {
					logger.warn("Could not close the emulator journal", ex);
				}
				this.journal = null;
			}
			release(this.directoryLock);
			this.directoryLock = null;
		}
	}

	private void record(Event event) {
		if (this.directory == null) {
			return;
		}
		try {
			if (this.journal == null) {
				throw new IllegalStateException("The emulator state is closed");
			}
			byte[] line = (json.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
			ByteBuffer buffer = ByteBuffer.wrap(line);
			while (buffer.hasRemaining()) {
				this.journal.write(buffer);
			}
			if (++this.journalEvents >= COMPACT_AFTER_EVENTS) {
				// The event is written before the map changes: fold it in by hand.
				apply(event);
				compact();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the emulator journal", ex);
		}
	}

	private void replayJournal() throws IOException {
		Path journalFile = this.directory.resolve(JOURNAL_FILE);
		if (!Files.exists(journalFile)) {
			return;
		}
		for (String line : Files.readAllLines(journalFile, StandardCharsets.UTF_8)) {
			if (line.isBlank()) {
				continue;
			}
			try {
				apply(json.readValue(line, Event.class));
			}
			catch (JacksonException ex) {
				// A crash in the middle of an append leaves a partial last line.
				logger.warn("Skipping an unreadable line of the emulator journal {}", journalFile);
			}
		}
	}

	private void apply(Event event) {
		Instant at = Instant.ofEpochMilli(event.at());
		switch (event.op()) {
			case "create" -> this.identities.putIfAbsent(event.id(), new Identity(event.id(), at, 0, null, null));
			case "revoke" -> this.identities.computeIfPresent(event.id(), (id, current) -> new Identity(id,
					current.createdAt(), Math.max(current.generation(), event.generation()), at, current.deletedAt()));
			case "delete" -> this.identities.computeIfPresent(event.id(), (id, current) -> new Identity(id,
					current.createdAt(), current.generation(), current.revokedAt(), at));
			default -> logger.warn("Skipping an unknown emulator journal event '{}'", event.op());
		}
	}

	/** Writes a snapshot atomically, then starts an empty journal. */
	private void compact() throws IOException {
		List<StoredIdentity> stored = new ArrayList<>();
		this.identities.values().forEach((identity) -> stored.add(StoredIdentity.of(identity)));
		stored.sort(Comparator.comparing(StoredIdentity::id));
		Snapshot snapshot = new Snapshot(1, this.resourceId, this.defaultAccessKey,
				Base64.getEncoder().encodeToString(this.signingKey.getPrivate().getEncoded()), stored);
		// createTempFile makes the file readable by its owner only (on POSIX): it holds
		// the
		// token signing key.
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

	private static String randomAccessKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	private static KeyPair generateSigningKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("RSA is not available", ex);
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
	 * An identity of this resource.
	 *
	 * @param generation how many times its tokens were revoked: a token carries the
	 * generation it was issued in and is valid only in that generation, which orders
	 * "issued" and "revoked" exactly even when both happen in the same millisecond
	 */
	record Identity(String id, Instant createdAt, int generation, Instant revokedAt, Instant deletedAt) {

		boolean deleted() {
			return this.deletedAt != null;
		}

	}

	record Snapshot(int version, String resourceId, String accessKey, String signingKey,
			List<StoredIdentity> identities) {

		// Keeps the private key out of logs and exception messages.
		@Override
		public String toString() {
			return "Snapshot[resourceId=" + this.resourceId + ", identities=" + this.identities.size() + "]";
		}

	}

	record StoredIdentity(String id, long createdAt, int generation, Long revokedAt, Long deletedAt) {

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

	record Event(String op, String id, long at, int generation) {

	}

}
