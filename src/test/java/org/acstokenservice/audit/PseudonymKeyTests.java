package org.acstokenservice.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.testsupport.IntegrationTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key of erased users' pseudonyms on PostgreSQL, shared by instances as a fleet
 * shares its database: without configuration, every instance and every restart names an
 * erased user alike, by a key the first instance made and stored; a configured key wins.
 * The stored key is never logged.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class PseudonymKeyTests {

	private static final String CONFIGURED = "a-configured-pseudonym-key-of-32-bytes";

	private static EmbeddedPostgres postgres;

	private final JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.start();
		Flyway.configure()
			.dataSource(postgres.getPostgresDatabase())
			.locations("classpath:db/migration", "classpath:db/vendor/postgresql")
			.load()
			.migrate();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@BeforeEach
	void noStoredKey() {
		this.jdbc.sql("delete from audit_pseudonym_key").update();
	}

	@Test
	void pseudonymWhenNoKeyConfiguredThenTheSameOnEveryInstanceAndAfterRestarts() {
		ErasedUsers first = unconfigured();
		ErasedUsers second = unconfigured();

		String pseudonym = first.pseudonym("alice");

		assertThat(second.pseudonym("alice")).as("another instance").isEqualTo(pseudonym);
		assertThat(unconfigured().pseudonym("alice")).as("after a restart").isEqualTo(pseudonym);
		assertThat(first.pseudonym("bob")).isNotEqualTo(pseudonym).startsWith("erased:");
		assertThat(this.jdbc.sql("select count(*) from audit_pseudonym_key").query(Long.class).single()).isOne();
	}

	@Test
	void pseudonymWhenInstancesStartTogetherThenOneKeyForAll() {
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(6);
		List<CompletableFuture<String>> instances = IntStream.range(0, 6)
			.mapToObj((i) -> CompletableFuture.supplyAsync(() -> {
				awaitQuietly(go);
				return unconfigured().pseudonym("alice");
			}, threads))
			.toList();

		go.countDown();

		assertThat(instances.stream().map(CompletableFuture::join).distinct()).hasSize(1);
		threads.shutdown();
		assertThat(this.jdbc.sql("select count(*) from audit_pseudonym_key").query(Long.class).single()).isOne();
	}

	@Test
	void pseudonymWhenKeyConfiguredThenItWinsOverTheStoredOne() throws Exception {
		String stored = unconfigured().pseudonym("alice");

		ErasedUsers configured = new ErasedUsers(this.jdbc, new ErasureProperties(CONFIGURED));

		assertThat(configured.pseudonym("alice")).isEqualTo(hmacPseudonym(CONFIGURED, "alice")).isNotEqualTo(stored);
	}

	@Test
	void pseudonymWhenStoredKeyCopiedIntoConfigurationThenTheSamePseudonyms() throws Exception {
		String pseudonym = unconfigured().pseudonym("alice");

		assertThat(hmacPseudonym(storedKey(), "alice")).isEqualTo(pseudonym);
	}

	@Test
	void storedKeyWhenMadeAndUsedThenInNoLogLine(CapturedOutput output) {
		ErasedUsers erased = unconfigured();
		erased.forget("alice");

		assertThat(output.getAll()).contains("pseudonym-key is not set").doesNotContain(storedKey());
	}

	private ErasedUsers unconfigured() {
		return new ErasedUsers(JdbcClient.create(postgres.getPostgresDatabase()), new ErasureProperties(null));
	}

	private String storedKey() {
		return this.jdbc.sql("select secret from audit_pseudonym_key").query(String.class).single();
	}

	/** What the documentation says an operator can compute with the key. */
	private static String hmacPseudonym(String key, String appUserId) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		byte[] hash = mac.doFinal(appUserId.getBytes(StandardCharsets.UTF_8));
		return "erased:" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 32);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
