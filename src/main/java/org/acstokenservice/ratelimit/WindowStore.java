package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the service's sliding windows live: the ACS budget, which must hold to ACS's own
 * arithmetic ({@link WindowLimit}). On PostgreSQL every instance shares each window
 * ({@link PostgreSqlWindowStore}); on any other database, which only local mode uses,
 * they are in this instance's memory ({@link InMemoryWindowStore}).
 */
public interface WindowStore {

	/**
	 * Counts one event under the key now, or refuses it.
	 * @return empty when counted; otherwise how long until the window admits an event
	 * again
	 * @throws org.springframework.dao.DataAccessException when the store must ask the
	 * database and cannot reach it
	 */
	Optional<Duration> tryAdmit(String key, WindowLimit limit);

}
