package org.acstokenservice.identity;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs the work for a key one request at a time in this instance: a request that comes
 * while another's work for the same key runs waits for it to end, then goes on without
 * running the work itself (it reads what the other stored). An entry lives as long as its
 * work runs, so the map holds at most one entry per request in flight.
 */
final class OneAtATime {

	private final ConcurrentHashMap<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

	/**
	 * @return what the work returned; empty when another request's work for the key ran
	 * meanwhile and this one waited for it
	 * @throws RuntimeException what the other request's work threw, when it failed
	 */
	<T> Optional<T> runOrAwait(String key, Supplier<Optional<T>> work) {
		CompletableFuture<Void> mine = new CompletableFuture<>();
		CompletableFuture<Void> other = this.running.putIfAbsent(key, mine);
		if (other != null) {
			await(other);
			return Optional.empty();
		}
		try {
			Optional<T> result = work.get();
			mine.complete(null);
			return result;
		}
		catch (RuntimeException | Error ex) {
			// Waiters must never be left hanging, whatever went wrong.
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.running.remove(key, mine);
		}
	}

	private static void await(CompletableFuture<Void> other) {
		try {
			other.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

}
