package org.acstokenservice.security;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refused sign-in's answer is written into the response's buffer by the dispatch that
 * refused it and sent a little later, when the delay's timer completes the request (the
 * container flushes it on a thread of its own, here a pool standing for Tomcat's): no
 * thread but the dispatch's ever touches the response while the dispatch runs, and a
 * client that stops reading blocks no other refusal.
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
	void answerWhenDelayedThenWrittenByTheDispatchAndCompletedAfterTheDelay() throws Exception {
		MockHttpServletRequest request = request();
		CompletableFuture<String> writer = new CompletableFuture<>();
		RefusalDelay longer = new RefusalDelay(Duration.ofSeconds(2));

		longer.answer(request, () -> writer.complete(Thread.currentThread().getName()));

		assertThat(writer).as("written into the response's buffer before the dispatch returns").isDone();
		assertThat(writer.get()).isEqualTo(Thread.currentThread().getName());
		assertThat(request.isAsyncStarted()).as("not sent yet").isTrue();
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !request.isAsyncStarted());
		longer.destroy();
	}

	@Test
	void answerWhenTheDispatchUnwindsSlowlyThenNoOtherThreadWritesMeanwhile() throws Exception {
		MockHttpServletRequest request = request();
		AtomicBoolean dispatchReturned = new AtomicBoolean();
		Thread dispatch = Thread.currentThread();
		List<String> concurrentWrites = new CopyOnWriteArrayList<>();

		this.delay.answer(request, () -> {
			if (Thread.currentThread() != dispatch && !dispatchReturned.get()) {
				concurrentWrites.add(Thread.currentThread().getName());
			}
		});
		// A busy machine: the filters that unwind after the refusal outlast the delay.
		Thread.sleep(200);
		dispatchReturned.set(true);

		assertThat(concurrentWrites).as("threads that wrote the response while its dispatch still ran").isEmpty();
	}

	@Test
	void answerWhenAClientStopsReadingThenOtherRefusalsStillCompletedInTime() throws Exception {
		CountDownLatch stuck = new CountDownLatch(1);
		this.container.execute(() -> {
			try {
				this.delay.answer(request(), () -> {
					try {
						stuck.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						throw new InterruptedIOException();
					}
				});
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		MockHttpServletRequest other = request();

		this.delay.answer(other, () -> {
		});

		try {
			Awaitility.await()
				.alias("another client's refusal")
				.atMost(Duration.ofSeconds(2))
				.until(() -> !other.isAsyncStarted());
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
