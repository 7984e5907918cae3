package org.acstokenservice.identity;

import java.util.Set;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.fleet.FreshConnectionRetry;
import org.acstokenservice.fleet.ChangeFeed;
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

	/** The cache of one instance alone, as local mode has it: always up to date. */
	IdentityCache cache() {
		return localCache(this.store);
	}

	/** A cache of the store for one instance alone: always up to date. */
	static IdentityCache localCache(JdbcIdentityStore store) {
		return new IdentityCache(store, new ChangeFeed() {

			@Override
			public boolean upToDate() {
				return true;
			}

			@Override
			public void subscribe(String topic, Listener listener) {
			}

			@Override
			public void awaitPropagation(long committedAt) {
			}

		}, Set.of(AcsResources.DEFAULT), 100, new SimpleMeterRegistry());
	}

	static H2Stores migrated() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		Flyway.configure().dataSource(dataSource).load().migrate();
		JdbcClient jdbc = JdbcClient.create(dataSource);
		return new H2Stores(new JdbcIdentityStore(jdbc, new FreshConnectionRetry(dataSource,
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)))), jdbc);
	}

}
