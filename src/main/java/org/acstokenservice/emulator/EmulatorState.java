package org.acstokenservice.emulator;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * What the emulated ACS resource remembers: its id, the key that signs its tokens, the
 * default access key, and every identity with its revocations and deletion. With a data
 * directory, each change is journalled by a {@link StateJournal} before it takes effect.
 */
final class EmulatorState implements AutoCloseable {

	private final String resourceId;

	private final String defaultAccessKey;

	private final KeyPair signingKey;

	private final Map<String, Identity> identities = new ConcurrentHashMap<>();

	/** {@code null} when the state lives in memory only. */
	private final @Nullable StateJournal journal;

	// Guards the journal and keeps the order of its lines the order of the changes.
	private final Object lock = new Object();

	private EmulatorState(String resourceId, String defaultAccessKey, KeyPair signingKey,
			Collection<Identity> identities, @Nullable StateJournal journal) {
		this.resourceId = resourceId;
		this.defaultAccessKey = defaultAccessKey;
		this.signingKey = signingKey;
		identities.forEach((identity) -> this.identities.put(identity.id(), identity));
		this.journal = journal;
	}

	static EmulatorState inMemory() {
		return new EmulatorState(UUID.randomUUID().toString(), randomAccessKey(), generateSigningKey(), List.of(),
				null);
	}

	/**
	 * Loads the state kept in a directory, or starts a new resource there, and folds the
	 * journal into a fresh snapshot.
	 * @throws IllegalStateException if another emulator is using the directory
	 */
	static EmulatorState open(Path directory) {
		StateJournal journal = StateJournal.open(directory);
		try {
			StateJournal.Contents stored = journal.read();
			EmulatorState state = new EmulatorState(
					(stored.resourceId() != null) ? stored.resourceId() : UUID.randomUUID().toString(),
					(stored.accessKey() != null) ? stored.accessKey() : randomAccessKey(),
					(stored.signingKey() != null) ? stored.signingKey() : generateSigningKey(), stored.identities(),
					journal);
			journal.compact(state.contents());
			return state;
		}
		catch (RuntimeException ex) {
			journal.close();
			throw ex;
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
			change(StateJournal.Event.created(identity), identity);
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
			change(StateJournal.Event.revoked(revoked), revoked);
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
			change(StateJournal.Event.deleted(deleted), deleted);
			return true;
		}
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.journal != null) {
				this.journal.close();
			}
		}
	}

	/**
	 * Journals a change, then makes it: a change that cannot be journalled is not made.
	 * The caller holds the lock.
	 */
	private void change(StateJournal.Event event, Identity changed) {
		boolean compact = (this.journal != null) && this.journal.append(event);
		this.identities.put(changed.id(), changed);
		if (compact && this.journal != null) {
			this.journal.compact(contents());
		}
	}

	private StateJournal.Contents contents() {
		return new StateJournal.Contents(this.resourceId, this.defaultAccessKey, this.signingKey,
				List.copyOf(this.identities.values()));
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

	/**
	 * An identity of this resource.
	 *
	 * @param generation how many times its tokens were revoked: a token carries the
	 * generation it was issued in and is valid only in that generation, which orders
	 * "issued" and "revoked" exactly even when both happen in the same millisecond
	 */
	record Identity(String id, Instant createdAt, int generation, @Nullable Instant revokedAt,
			@Nullable Instant deletedAt) {

		boolean deleted() {
			return this.deletedAt != null;
		}

	}

}
