package org.acstokenservice.security;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refused sign-in's answer waits a little, and is then written by a thread of the
 * container (here a pool standing for Tomcat's), never by the delay's own timer: a client
 * that stops reading blocks the thread that writes to it.
 */
class RefusalDelayTests {

	private final ExecutorService container = Executors.newFixedThreadPool(4,
			new CustomizableThreadFactory("container-"));

	private final RefusalDelay delay = new RefusalDelay(Duration.ofMillis(20));

	@AfterEach
	void stop() {
		this.delay.destroy();
		this.container.shutdownNow();
	}

	@Test
	void answerWhenDelayedThenWrittenOnAContainerThreadAndCompleted() throws Exception {
		MockHttpServletRequest request = request();
		CompletableFuture<String> writer = new CompletableFuture<>();

		this.delay.answer(request, () -> writer.complete(Thread.currentThread().getName()));

		assertThat(writer.get(5, TimeUnit.SECONDS)).startsWith("container-");
		Thread.sleep(50);
		assertThat(request.isAsyncStarted()).as("the request is completed").isFalse();
	}

	@Test
	void answerWhenAClientStopsReadingThenOtherRefusalsStillAnsweredInTime() throws Exception {
		CountDownLatch stuck = new CountDownLatch(1);
		this.delay.answer(request(), () -> {
			try {
				stuck.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				throw new InterruptedIOException();
			}
		});
		CompletableFuture<Void> other = new CompletableFuture<>();

		this.delay.answer(request(), () -> other.complete(null));

		try {
			assertThat(other).as("another client's refusal").succeedsWithin(Duration.ofSeconds(2));
		}
		finally {
			stuck.countDown();
		}
	}

	private MockHttpServletRequest request() {
		MockHttpServletRequest request = new MockHttpServletRequest() {

			@Override
			public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
				super.startAsync(request, response);
				MockAsyncContext async = new MockAsyncContext(request, response) {

					@Override
					public void start(Runnable runnable) {
						RefusalDelayTests.this.container.execute(runnable);
					}

				};
				setAsyncContext(async);
				return async;
			}

		};
		request.setAsyncSupported(true);
		return request;
	}

}
