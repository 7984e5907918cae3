package org.acstokenservice.fleet;

/**
 * How an instance hears of changes that any instance of the fleet commits, so that what
 * it keeps in memory (a user's identity and revocation generation, say) need not be read
 * from the database on every request. A feature subscribes to a topic; the database
 * announces each change of the topic's rows with the row's key (PostgreSQL's
 * {@code NOTIFY}, from a trigger on the table). The announcement's channel is
 * {@link #CHANNEL}; its payload {@code <topic>:<key>}.
 * <p>
 * The feed keeps the promise that a request received, on any instance, after
 * {@link #awaitPropagation(long)} returned is never answered from a memory that the
 * change made stale: a subscriber uses its memory only while {@link #upToDate()} says
 * that every change committed more than {@code token-service.fleet.changes.max-delay} ago
 * has been heard, and waits that long after committing a change whose effect must hold
 * everywhere before it answers. A request already in progress may have read its memory
 * before: no check could stop a pause between reading and answering.
 */
public interface ChangeFeed {

	/** The PostgreSQL channel that carries the changes. */
	String CHANNEL = "acs_fleet_changes";

	/**
	 * Whether every change committed more than the feed's maximum delay ago has been
	 * delivered to the subscribers. When not, a subscriber reads the database instead of
	 * its memory.
	 */
	boolean upToDate();

	/**
	 * Delivers the topic's changes to the listener, on the feed's own thread.
	 */
	void subscribe(String topic, Listener listener);

	/**
	 * Waits until every instance has heard of a change committed at {@code committedAt}
	 * (a {@link System#nanoTime()}): the feed's maximum delay after it.
	 */
	void awaitPropagation(long committedAt);

	/** Hears the changes of one topic. */
	interface Listener {

		/** The row with this key changed. */
		void changed(String key);

		/**
		 * Changes may have been missed (the feed was cut off): forget everything that the
		 * database might have changed meanwhile.
		 */
		void forgetAll();

	}

}
