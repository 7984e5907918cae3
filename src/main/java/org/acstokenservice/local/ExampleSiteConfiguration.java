package org.acstokenservice.local;

import java.nio.file.Files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the browser example ({@code examples/web}) at {@code /example/} in local mode,
 * so that a front-end developer can watch the token flow against the embedded emulator
 * from the same origin, without CORS. The files are static and hold no secret; a filter
 * chain of their own makes them public. Outside local mode neither the files nor that
 * chain exist, and {@code /example/} is closed like every other path.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnLocalMode
@EnableConfigurationProperties(ExampleSiteProperties.class)
class ExampleSiteConfiguration {

	static final String PATH = "/example/";

	/** Shown when the example has not been built: it says how to build it. */
	private static final String NOT_BUILT_LOCATION = "classpath:/example-not-built/";

	/**
	 * The page may load its own scripts and call its own origin, nothing else; no other
	 * site may frame it.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
			+ "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

	private static final Logger logger = LoggerFactory.getLogger(ExampleSiteConfiguration.class);

	/**
	 * Ordered before the API's chain, which would ask for a sign-in. Static files only:
	 * anything but GET and HEAD is refused by MVC (405 problem).
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain exampleSiteSecurity(HttpSecurity http) throws Exception {
		http.securityMatcher("/example", PATH + "**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.csrf((csrf) -> csrf.disable())
			.headers(
					(headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY)));
		return http.build();
	}

	@Bean
	WebMvcConfigurer exampleSite(ExampleSiteProperties properties) {
		if (Files.isRegularFile(properties.directory().resolve("index.html"))) {
			logger.info("LOCAL MODE: the browser example is served at {} from {}", PATH,
					properties.directory().toAbsolutePath().normalize());
		}
		else {
			logger.info("LOCAL MODE: the browser example is not built ({} has no index.html): run npm ci && npm run "
					+ "build in examples/web to see it at {}", properties.directory(), PATH);
		}
		return new WebMvcConfigurer() {

			@Override
			public void addResourceHandlers(ResourceHandlerRegistry registry) {
				registry.addResourceHandler(PATH + "**")
					.addResourceLocations(properties.location(), NOT_BUILT_LOCATION);
			}

			@Override
			public void addViewControllers(ViewControllerRegistry registry) {
				registry.addRedirectViewController("/example", PATH);
				registry.addViewController(PATH).setViewName("forward:" + PATH + "index.html");
			}

		};
	}

}
