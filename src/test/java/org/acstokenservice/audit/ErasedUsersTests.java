package org.acstokenservice.audit;

import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local mode's erased users on H2, with no configuration: the key of their pseudonyms is
 * the one stored in the database, so a restart names an erased user as before.
 */
class ErasedUsersTests {

	@Test
	void pseudonymWhenNoKeyConfiguredOnH2ThenStoredAndTheSameAfterRestart() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		Flyway.configure().dataSource(dataSource).load().migrate();
		JdbcClient jdbc = JdbcClient.create(dataSource);

		String pseudonym = new ErasedUsers(jdbc, new ErasureProperties(null)).pseudonym("alice");

		assertThat(new ErasedUsers(jdbc, new ErasureProperties(null)).pseudonym("alice")).isEqualTo(pseudonym);
		assertThat(jdbc.sql("select count(*) from audit_pseudonym_key").query(Long.class).single()).isOne();
	}

}
