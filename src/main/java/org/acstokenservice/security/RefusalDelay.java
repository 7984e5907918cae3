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
 * without holding a thread meanwhile (the request goes asynchronous; a timer hands it
 * back to the container, whose thread writes the answer). A flood of bad sign-ins from
 * one address is a closed loop: each answer brings the next attempt at once, so the
 * cheaper the refusal, the more of the machine the flood takes from signed-in users. Held
 * back, each of the flood's connections costs a few refusals a second instead of
 * hundreds. The timer never writes itself: a client that stops reading would block its
 * one thread, and every other refusal with it; a container thread blocks alone, until the
 * connector's time-out. A request whose credentials are valid never meets this.
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

	/** An answer to write, later. */
	@FunctionalInterface
	interface Answer {

		void write() throws IOException;

	}

	/**
	 * Writes the answer after the delay, on a container thread; at once when there is no
	 * delay or the request cannot go asynchronous.
	 */
	void answer(HttpServletRequest request, Answer answer) throws IOException {
		if (this.delay.isZero() || !request.isAsyncSupported() || request.isAsyncStarted()) {
			answer.write();
			return;
		}
		AsyncContext async = request.startAsync();
		async.setTimeout(this.delay.toMillis() + 10_000);
		this.timer.schedule(() -> {
			try {
				async.start(() -> write(async, answer));
			}
			catch (RuntimeException ex) {
				// Timed out or closed meanwhile: the container has answered.
				logger.debug("Could not answer a refused sign-in: {}", ex.getMessage());
			}
		}, this.delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static void write(AsyncContext async, Answer answer) {
		try {
			answer.write();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not answer a refused sign-in: {}", ex.getMessage());
		}
		finally {
			async.complete();
		}
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

}
