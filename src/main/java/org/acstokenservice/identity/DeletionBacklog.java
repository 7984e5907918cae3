package org.acstokenservice.identity;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.identity.JdbcIdentityStore.DeletionQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The identities waiting to be deleted at ACS, for an alert on erasures that never
 * complete: {@code acs.identity.deletions.pending} (how many) and
 * {@code acs.identity.deletions.oldest} (how long the oldest has waited, in seconds, by
 * the database's clock). Read from the database every 30 s, never per scrape, so that
 * scrapers cost no query; while the database cannot be read, the last reading stands.
 */
class DeletionBacklog {

	private static final Logger logger = LoggerFactory.getLogger(DeletionBacklog.class);

	private final JdbcIdentityStore store;

	private volatile DeletionQueue last = new DeletionQueue(0, Duration.ZERO);

	DeletionBacklog(JdbcIdentityStore store, MeterRegistry meters) {
		this.store = store;
		Gauge.builder("acs.identity.deletions.pending", this, (backlog) -> backlog.last.waiting())
			.description("Identities waiting to be deleted at ACS, as last read (every 30 s)")
			.register(meters);
		Gauge.builder("acs.identity.deletions.oldest", this, (backlog) -> backlog.last.oldestAge().toMillis() / 1000.0)
			.description("How long the oldest identity waiting to be deleted at ACS has waited, as last read")
			.baseUnit("seconds")
			.register(meters);
	}

	@Scheduled(fixedDelay = 30, initialDelay = 0, timeUnit = TimeUnit.SECONDS)
	public void read() {
		try {
			this.last = this.store.deletionQueue();
		}
		catch (DataAccessException ex) {
			logger.debug("Could not read the deletions waiting at ACS: {}", ex.getMessage());
		}
	}

}
