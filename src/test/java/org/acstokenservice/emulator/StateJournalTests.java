package org.acstokenservice.emulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;

import org.acstokenservice.emulator.EmulatorState.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class StateJournalTests {

	private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

	private static final Instant REVOKED = Instant.parse("2026-01-02T00:00:00Z");

	@TempDir
	Path directory;

	@Test
	void readWhenEmptyDirectoryThenNoSnapshotNoIdentities() {
		try (StateJournal journal = StateJournal.open(this.directory)) {
			StateJournal.Contents contents = journal.read();
			assertThat(contents.resourceId()).isNull();
			assertThat(contents.signingKey()).isNull();
			assertThat(contents.identities()).isEmpty();
		}
	}

	@Test
	void readWhenJournalAppendedTwiceThenChangesAppliedOnce() throws Exception {
		KeyPair signingKey = signingKey();
		Identity created = new Identity("8:acs:r_1", CREATED, 0, null, null);
		Identity revoked = new Identity("8:acs:r_1", CREATED, 1, REVOKED, null);
		try (StateJournal journal = StateJournal.open(this.directory)) {
			journal.compact(new StateJournal.Contents("r", "a2V5", signingKey, List.of()));
			journal.append(StateJournal.Event.created(created));
			journal.append(StateJournal.Event.revoked(revoked));
			// A crash between the snapshot and emptying the journal replays these again.
			journal.append(StateJournal.Event.created(created));
			journal.append(StateJournal.Event.revoked(revoked));
		}
		try (StateJournal journal = StateJournal.open(this.directory)) {
			StateJournal.Contents contents = journal.read();
			assertThat(contents.resourceId()).isEqualTo("r");
			assertThat(contents.accessKey()).isEqualTo("a2V5");
			assertThat(contents.signingKey().getPrivate()).isEqualTo(signingKey.getPrivate());
			assertThat(contents.identities()).containsExactly(revoked);
		}
	}

	@Test
	void compactWhenJournalHeldChangesThenSnapshotHoldsThemAndJournalEmpty() throws Exception {
		Identity created = new Identity("8:acs:r_1", CREATED, 0, null, null);
		try (StateJournal journal = StateJournal.open(this.directory)) {
			journal.compact(new StateJournal.Contents("r", "a2V5", signingKey(), List.of()));
			journal.append(StateJournal.Event.created(created));
			assertThat(this.directory.resolve(StateJournal.JOURNAL_FILE)).content().contains("8:acs:r_1");
			journal.compact(new StateJournal.Contents("r", "a2V5", signingKey(), List.of(created)));
			assertThat(this.directory.resolve(StateJournal.JOURNAL_FILE)).isEmptyFile();
			assertThat(Files.readString(this.directory.resolve(StateJournal.SNAPSHOT_FILE))).contains("8:acs:r_1");
		}
	}

	@Test
	void appendWhenClosedThenRefused() {
		StateJournal journal = StateJournal.open(this.directory);
		journal.compact(new StateJournal.Contents("r", "a2V5", signingKey(), List.of()));
		journal.close();
		assertThatIllegalStateException().isThrownBy(
				() -> journal.append(StateJournal.Event.created(new Identity("8:acs:r_1", CREATED, 0, null, null))));
	}

	@Test
	void openWhenDirectoryLockedThenRefusedUntilClosed() {
		try (StateJournal journal = StateJournal.open(this.directory)) {
			assertThatIllegalStateException().isThrownBy(() -> StateJournal.open(this.directory))
				.withMessageContaining("Another ACS emulator");
		}
		StateJournal.open(this.directory).close();
	}

	@Test
	void contentsWhenPrintedThenNoKeys() {
		StateJournal.Contents contents = new StateJournal.Contents("r", "a2V5", signingKey(), List.of());
		assertThat(contents.toString()).doesNotContain("a2V5").doesNotContain("RSA");
	}

	private static KeyPair signingKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
