package org.acstokenservice.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.acstokenservice.testsupport.JwtServiceTest;

import org.springframework.test.context.TestPropertySource;

/**
 * The service behind a proxy it trusts (loopback, where the tests run), with a small
 * failed sign-in limit: each test class names the client addresses it signs in from
 * ({@code X-Forwarded-For}), so that the classes share one context without spending each
 * other's allowance.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@JwtServiceTest
@TestPropertySource(
		properties = { "server.forward-headers-strategy=native", "server.tomcat.remoteip.internal-proxies=127.0.0.1/32",
				"token-service.sign-in.failed-attempts.capacity=" + SignInLimitTest.CAPACITY,
				"token-service.sign-in.failed-attempts.period=1h" })
@interface SignInLimitTest {

	/** Failed sign-ins that one address may make in an hour. */
	int CAPACITY = 3;

}
