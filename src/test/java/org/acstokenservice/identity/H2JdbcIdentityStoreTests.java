package org.acstokenservice.identity;

import java.util.UUID;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;

/** The identity store on H2, the database of local mode. */
class H2JdbcIdentityStoreTests extends JdbcIdentityStoreTests {

	private final JdbcDataSource dataSource = new JdbcDataSource();

	H2JdbcIdentityStoreTests() {
		this.dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
	}

	@Override
	DataSource dataSource() {
		return this.dataSource;
	}

}
