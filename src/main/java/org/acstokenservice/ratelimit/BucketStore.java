package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the service's token buckets live: the rate limits and the ACS budget. On
 * PostgreSQL, which every instance shares, the database keeps each bucket and the
 * instances synchronise with it in batches ({@link PostgreSqlBucketStore}), so that a
 * limit holds for the fleet and not once per instance; on any other database, which only
 * local mode uses, the buckets are in this instance's memory
 * ({@link InMemoryBucketStore}).
 */
public interface BucketStore {

	/**
	 * Takes one token from the key's bucket, which is made full when the key has none.
	 * @return empty when taken; otherwise how long until a token is there again
	 * @throws org.springframework.dao.DataAccessResourceFailureException when the store
	 * must ask the database and cannot reach it
	 */
	Optional<Duration> tryConsume(String key, BucketLimit limit);

}
