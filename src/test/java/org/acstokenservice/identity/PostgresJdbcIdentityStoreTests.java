package org.acstokenservice.identity;

import java.io.IOException;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The identity store on a real PostgreSQL, the database of production, started here. */
@IntegrationTest
class PostgresJdbcIdentityStoreTests extends JdbcIdentityStoreTests {

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.start();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@Override
	DataSource dataSource() {
		return postgres.getPostgresDatabase();
	}

}
