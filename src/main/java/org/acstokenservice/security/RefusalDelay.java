package org.acstokenservice.security;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * Answers a client that has spent its allowance of failed sign-ins a little later,
 * without holding a thread meanwhile. A flood of bad sign-ins from one address is a
 * closed loop: each answer brings the next attempt at once, so the cheaper the refusal,
 * the more of the machine the flood takes from signed-in users. Held back, each of the
 * flood's connections costs a few refusals a second instead of hundreds.
 *
 * The dispatch that refuses writes the answer into the response's buffer and goes
 * asynchronous; the timer only completes the request, which the container sends on a
 * thread of its own, after the dispatch returned. No other thread writes the response
 * while the filters that unwind after the refusal still may (on a busy machine they can
 * outlast the delay, and two threads at one response's headers corrupt Tomcat's recycled
 * objects for the next request), and a client that stops reading blocks a container
 * thread alone, never the timer. A request whose credentials are valid never meets this.
 */
class RefusalDelay implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(RefusalDelay.class);

	private final Duration delay;

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "sign-in-refusals");
		thread.setDaemon(true);
		return thread;
	});

	RefusalDelay(Duration delay) {
		this.delay = delay;
	}

	/**
	 * An answer to write into the response's buffer: it must neither flush nor close the
	 * response, or it is sent at once.
	 */
	@FunctionalInterface
	interface Answer {

		void write() throws IOException;

	}

	/**
	 * Writes the answer and sends it after the delay; at once when there is no delay or
	 * the request cannot go asynchronous.
	 */
	void answer(HttpServletRequest request, Answer answer) throws IOException {
		answer.write();
		if (this.delay.isZero() || !request.isAsyncSupported() || request.isAsyncStarted()) {
			return;
		}
		AsyncContext async = request.startAsync();
		async.setTimeout(this.delay.toMillis() + 10_000);
		this.timer.schedule(() -> complete(async), this.delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static void complete(AsyncContext async) {
		try {
			async.complete();
		}
		catch (RuntimeException ex) {
			// Timed out or closed meanwhile: the container has ended the request.
			logger.debug("Could not answer a refused sign-in: {}", ex.getMessage());
		}
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

}
