package org.acstokenservice.fleet;

import java.time.Duration;
import java.util.Optional;

import io.github.bucket4j.BucketConfiguration;

/**
 * Where the service's token buckets live: the rate limits and the ACS budget. On
 * PostgreSQL, which every instance shares, in the database, so that a limit holds for the
 * fleet and not once per instance ({@link PostgreSqlBucketStore}); on any other database,
 * which only local mode uses, in this instance's memory ({@link InMemoryBucketStore}).
 */
public interface BucketStore {

	/**
	 * Takes one token from the key's bucket, which is made from the configuration when
	 * the key has none.
	 * @return empty when taken; otherwise how long until a token is there again
	 * @throws org.springframework.dao.DataAccessResourceFailureException when the store
	 * cannot be reached
	 */
	Optional<Duration> tryConsume(String key, BucketConfiguration configuration);

}
