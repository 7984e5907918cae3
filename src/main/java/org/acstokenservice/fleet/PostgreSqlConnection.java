package org.acstokenservice.fleet;

import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * How to open connections of the fleet's own to the application's PostgreSQL database:
 * the rate limits' buckets' pool and the change feed's listening connection use the same
 * URL and credentials as the application's pool. {@code toString()} hides the password.
 *
 * @param url the JDBC URL
 * @param username the user
 * @param password the password: a secret
 */
public record PostgreSqlConnection(String url, String username, String password) {

	/**
	 * The application's database when it is PostgreSQL (the only one a fleet can share);
	 * empty for H2, local mode's.
	 */
	public static Optional<PostgreSqlConnection> of(DataSource dataSource) {
		try {
			if (dataSource.isWrapperFor(HikariDataSource.class)) {
				HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
				String url = hikari.getJdbcUrl();
				if (url != null && url.startsWith("jdbc:postgresql:")) {
					return Optional.of(new PostgreSqlConnection(url, hikari.getUsername(), hikari.getPassword()));
				}
			}
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException("Cannot read the database's settings", ex);
		}
		return Optional.empty();
	}

	@Override
	public String toString() {
		return "PostgreSqlConnection[url=" + this.url + ", username=" + this.username + ", password=******]";
	}

}
