package org.acstokenservice.emulator;

import java.net.http.HttpRequest;
import java.util.List;

import com.azure.communication.common.CommunicationUserIdentifier;
import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** What tests can ask the emulator: live identities and request counts. */
@IntegrationTest
class AcsEmulatorInspectionTests {

	private AcsEmulator emulator;

	private CommunicationIdentityClient client;

	@BeforeEach
	void start() {
		this.emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory());
		this.client = TestClients.sdk(this.emulator);
	}

	@AfterEach
	void stop() {
		this.emulator.close();
	}

	@Test
	void identityExistsWhenCreatedThenTrueUntilDeleted() {
		CommunicationUserIdentifier kept = this.client.createUser();
		CommunicationUserIdentifier deleted = this.client.createUser();
		this.client.deleteUser(deleted);
		assertThat(this.emulator.identityExists(kept.getId())).isTrue();
		assertThat(this.emulator.identityExists(deleted.getId())).isFalse();
		assertThat(this.emulator.identityExists("8:acs:" + this.emulator.resourceId() + "_unknown")).isFalse();
		assertThat(this.emulator.liveIdentityCount()).isEqualTo(1);
	}

	@Test
	void requestCountWhenOperationsThenCountedPerOperationIncludingRefusedOnes() {
		CommunicationUserIdentifier user = this.client.createUser();
		this.client.getToken(user, List.of(CommunicationTokenScope.CHAT));
		this.client.getToken(user, List.of(CommunicationTokenScope.VOIP));
		this.client.revokeTokens(user);
		this.client.deleteUser(user);
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> this.client.deleteUser(user));
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isEqualTo(1);
		assertThat(this.emulator.requestCount(AcsOperation.ISSUE_TOKEN)).isEqualTo(2);
		assertThat(this.emulator.requestCount(AcsOperation.REVOKE)).isEqualTo(1);
		assertThat(this.emulator.requestCount(AcsOperation.DELETE)).isEqualTo(2);
		assertThat(this.emulator.requestCounts()).containsEntry(AcsOperation.TEAMS_EXCHANGE, 0L)
			.containsEntry(AcsOperation.ISSUE_TOKEN, 2L)
			.hasSize(AcsOperation.values().length);
	}

	@Test
	void requestCountWhenUnauthenticatedThenNotCounted() {
		HttpRequest unsigned = HttpRequest
			.newBuilder(this.emulator.endpoint().resolve("identities?api-version=2023-10-01"))
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build();
		assertThat(TestClients.send(TestClients.raw(this.emulator), unsigned).statusCode()).isEqualTo(401);
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isZero();
	}

	@Test
	void resetRequestCountsWhenCalledThenZeroAndSnapshotsUnchanged() {
		this.client.createUser();
		var before = this.emulator.requestCounts();
		this.emulator.resetRequestCounts();
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isZero();
		assertThat(before).containsEntry(AcsOperation.CREATE_IDENTITY, 1L);
		this.client.createUser();
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isEqualTo(1);
	}

}
