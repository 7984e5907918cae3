package org.acstokenservice.emulator;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** How many authenticated requests each operation has had. Thread-safe. */
final class RequestCounts {

	private final AtomicLongArray counts = new AtomicLongArray(AcsOperation.values().length);

	void record(AcsOperation operation) {
		this.counts.incrementAndGet(operation.ordinal());
	}

	long get(AcsOperation operation) {
		return this.counts.get(operation.ordinal());
	}

	Map<AcsOperation, Long> snapshot() {
		Map<AcsOperation, Long> snapshot = new EnumMap<>(AcsOperation.class);
		for (AcsOperation operation : AcsOperation.values()) {
			snapshot.put(operation, get(operation));
		}
		return Collections.unmodifiableMap(snapshot);
	}

	void reset() {
		for (int i = 0; i < this.counts.length(); i++) {
			this.counts.set(i, 0);
		}
	}

}
