package org.acstokenservice.identity;

import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A fresh in-memory H2 database, migrated by the real Flyway scripts, and the identity
 * store on it.
 *
 * @param store the store
 * @param jdbc the same database, for a test to look or change behind the store's back
 */
record H2Stores(JdbcIdentityStore store, JdbcClient jdbc) {

	static H2Stores migrated() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		Flyway.configure().dataSource(dataSource).load().migrate();
		JdbcClient jdbc = JdbcClient.create(dataSource);
		return new H2Stores(
				new JdbcIdentityStore(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource))),
				jdbc);
	}

}
