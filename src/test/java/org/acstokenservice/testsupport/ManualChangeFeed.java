package org.acstokenservice.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.acstokenservice.fleet.ChangeFeed;

/**
 * A change feed that a test drives: always up to date, it runs a hook each time a
 * subscriber asks whether it is (the moment a test may have the feed hear a change),
 * announces a change when told, on the thread that tells it, and records each wait for
 * propagation instead of waiting.
 */
public final class ManualChangeFeed implements ChangeFeed {

	private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();

	private final List<Long> awaited = new CopyOnWriteArrayList<>();

	private volatile Runnable onUpToDate = () -> {
	};

	@Override
	public boolean upToDate() {
		this.onUpToDate.run();
		return true;
	}

	@Override
	public void subscribe(String topic, Listener listener) {
		this.listeners.computeIfAbsent(topic, (unused) -> new CopyOnWriteArrayList<>()).add(listener);
	}

	@Override
	public void awaitPropagation(long committedAt) {
		this.awaited.add(committedAt);
	}

	/** Runs this each time a subscriber asks whether the feed is up to date. */
	public void onUpToDate(Runnable hook) {
		this.onUpToDate = hook;
	}

	/** The topic's subscribers hear that the row with this key changed. */
	public void announce(String topic, String key) {
		this.listeners.getOrDefault(topic, List.of()).forEach((listener) -> listener.changed(key));
	}

	/** Every {@code committedAt} that a caller waited for, in order. */
	public List<Long> awaited() {
		return List.copyOf(this.awaited);
	}

}
