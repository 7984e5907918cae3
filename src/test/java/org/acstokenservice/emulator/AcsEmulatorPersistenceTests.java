package org.acstokenservice.emulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import com.azure.communication.common.CommunicationUserIdentifier;
import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.communication.identity.models.CommunicationUserIdentifierAndToken;
import com.azure.core.credential.AccessToken;
import com.azure.core.exception.HttpResponseException;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@IntegrationTest
class AcsEmulatorPersistenceTests {

	@TempDir
	Path dataDirectory;

	@Test
	void startWhenSameDataDirectoryThenResourceIdentitiesAndTokensSurvive() {
		String resourceId;
		String connectionString;
		CommunicationUserIdentifierAndToken kept;
		CommunicationUserIdentifierAndToken revoked;
		CommunicationUserIdentifierAndToken deleted;
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			resourceId = emulator.resourceId();
			connectionString = emulator.connectionString();
			CommunicationIdentityClient client = TestClients.sdk(emulator);
			kept = client.createUserAndToken(List.of(CommunicationTokenScope.CHAT));
			revoked = client.createUserAndToken(List.of(CommunicationTokenScope.CHAT));
			deleted = client.createUserAndToken(List.of(CommunicationTokenScope.CHAT));
			client.revokeTokens(revoked.getUser());
			client.deleteUser(deleted.getUser());
			assertThat(emulator.certificateFile()).isEqualTo(this.dataDirectory.resolve("acs-emulator-cert.pem"));
		}
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			assertThat(emulator.resourceId()).isEqualTo(resourceId);
			// The generated key is kept too: same connection string, bar the port.
			assertThat(keyOf(emulator.connectionString())).isEqualTo(keyOf(connectionString));
			assertThat(emulator.isTokenValid(kept.getUserToken().getToken())).isTrue();
			assertThat(emulator.isTokenValid(revoked.getUserToken().getToken())).isFalse();
			assertThat(emulator.isTokenValid(deleted.getUserToken().getToken())).isFalse();
			CommunicationIdentityClient client = TestClients.sdk(emulator);
			AccessToken token = client.getToken(kept.getUser(), List.of(CommunicationTokenScope.VOIP));
			assertThat(emulator.isTokenValid(token.getToken())).isTrue();
			AccessToken afterRevocation = client.getToken(revoked.getUser(), List.of(CommunicationTokenScope.VOIP));
			assertThat(emulator.isTokenValid(afterRevocation.getToken())).isTrue();
			assertThatExceptionOfType(HttpResponseException.class)
				.isThrownBy(() -> client.getToken(deleted.getUser(), List.of(CommunicationTokenScope.CHAT)))
				.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(404));
		}
	}

	@Test
	void startWhenRestartedTwiceThenJournalFoldedIntoSnapshot() throws Exception {
		CommunicationUserIdentifier user;
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			user = TestClients.sdk(emulator).createUser();
			assertThat(Files.readString(this.dataDirectory.resolve(StateJournal.JOURNAL_FILE))).contains(user.getId());
		}
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			assertThat(Files.readString(this.dataDirectory.resolve(StateJournal.JOURNAL_FILE))).isEmpty();
			assertThat(Files.readString(this.dataDirectory.resolve(StateJournal.SNAPSHOT_FILE))).contains(user.getId());
		}
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			assertThat(TestClients.sdk(emulator).getToken(user, List.of(CommunicationTokenScope.CHAT)).getToken())
				.isNotBlank();
		}
	}

	@Test
	void startWhenJournalEndsInPartialLineThenEarlierChangesKept() throws Exception {
		String id;
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			id = TestClients.sdk(emulator).createUser().getId();
		}
		Files.writeString(this.dataDirectory.resolve(StateJournal.JOURNAL_FILE),
				"{\"op\":\"create\",\"id\":\"8:acs:x_y\",\"at\":" + Instant.now().toEpochMilli() + ",\"gen",
				java.nio.file.StandardOpenOption.APPEND);
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			assertThat(TestClients.sdk(emulator)
				.getToken(new CommunicationUserIdentifier(id), List.of(CommunicationTokenScope.CHAT))
				.getToken()).isNotBlank();
		}
	}

	@Test
	void startWhenChangesCameFromManyThreadsThenAllSurvive() throws Exception {
		List<String> ids;
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			CommunicationIdentityClient client = TestClients.sdk(emulator);
			ExecutorService pool = Executors.newFixedThreadPool(8);
			try {
				List<Future<String>> created = pool
					.invokeAll(IntStream.range(0, 20).<Callable<String>>mapToObj((i) -> () -> {
						CommunicationUserIdentifier user = client.createUser();
						client.revokeTokens(user);
						return user.getId();
					}).toList());
				ids = new java.util.ArrayList<>();
				for (Future<String> id : created) {
					ids.add(id.get());
				}
			}
			finally {
				pool.shutdownNow();
			}
		}
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			CommunicationIdentityClient client = TestClients.sdk(emulator);
			assertThat(ids).doesNotHaveDuplicates().hasSize(20);
			for (String id : ids) {
				assertThat(client.getToken(new CommunicationUserIdentifier(id), List.of(CommunicationTokenScope.CHAT))
					.getToken()).isNotBlank();
			}
		}
	}

	@Test
	void startWhenDataDirectoryInUseThenRefused() {
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			assertThatIllegalStateException()
				.isThrownBy(() -> AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory)))
				.withMessageContaining("Another ACS emulator");
		}
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.persistentIn(this.dataDirectory))) {
			assertThat(emulator.resourceId()).isNotBlank();
		}
	}

	@Test
	void startWhenInMemoryThenNothingSharedAndCertificateFileRemovedOnClose() {
		Path certificateFile;
		String resourceId;
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory())) {
			certificateFile = emulator.certificateFile();
			resourceId = emulator.resourceId();
			assertThat(certificateFile).exists();
			assertThat(certificateFile).content().startsWith("-----BEGIN CERTIFICATE-----");
		}
		assertThat(certificateFile).doesNotExist();
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory())) {
			assertThat(emulator.resourceId()).isNotEqualTo(resourceId);
		}
	}

	@Test
	void startWhenAccessKeyGivenThenConnectionStringUsesIt() {
		String key = "dGVzdC1hY2Nlc3Mta2V5LW5vdC1yZWFsLTAxMjM0NTY3ODk=";
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory().withAccessKey(key))) {
			assertThat(emulator.connectionString())
				.isEqualTo("endpoint=https://127.0.0.1:" + emulator.endpoint().getPort() + "/;accesskey=" + key);
			assertThat(TestClients.sdk(emulator).createUser().getId()).startsWith("8:acs:");
		}
	}

	private static String keyOf(String connectionString) {
		return connectionString.substring(connectionString.indexOf("accesskey="));
	}

}
