package org.acstokenservice.security;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.acstokenservice.ratelimit.BucketStore;
import org.acstokenservice.web.Problems;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.JwkSetUriJwtDecoderBuilderCustomizer;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.util.StringUtils;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Who may call what. Health is public; everything else needs a signed-in user: demo users
 * over HTTP Basic in local mode, JWT bearer tokens from the configured issuer otherwise.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SignInProperties.class)
class SecurityConfiguration {

	private static final String JWT_PREFIX = "spring.security.oauth2.resourceserver.jwt.";

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, Problems problems, SignInProperties signIn,
			ObjectProvider<UserDetailsService> demoUsers, ObjectProvider<JwtDecoder> jwtDecoder, MeterRegistry meters,
			Environment environment, Clock clock, BucketStore buckets, IssuerKeys issuerKeys, RefusalDelay refusalDelay)
			throws Exception {
		boolean basic = demoUsers.getIfAvailable() != null;
		boolean bearer = jwtDecoder.getIfAvailable() != null;
		if (!basic && !bearer) {
			throw new IllegalStateException("No sign-in method: with a real ACS resource, configure the JWT issuer "
					+ "(spring.security.oauth2.resourceserver.jwt.issuer-uri or jwk-set-uri)");
		}
		if (bearer) {
			requireIssuerAndAudience(environment);
		}
		FailedSignInLimit failedSignIns = new FailedSignInLimit(signIn.failedAttempts(), buckets, meters);
		ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(problems, failedSignIns,
				refusalDelay, basic, bearer, meters);
		CorsFilter cors = new CorsFilter(corsConfiguration(signIn.corsAllowedOrigins()));
		cors.setCorsProcessor(ProblemCorsProcessor.create(problems));
		authorize(http, basic);
		http
			/*
			 * A stateless API authenticated by header on every request: no session and no
			 * cookie for a cross-site request to ride on. The CORS filter is no bean,
			 * which Boot would register for every request, outside this chain.
			 */
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.addFilterBefore(cors, CsrfFilter.class)
			.requestCache((cache) -> cache.disable())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(new ProblemAccessDeniedHandler(problems)));
		if (basic) {
			demoUserSignIn(http, entryPoint);
		}
		if (bearer) {
			JwtDecoder decoder = signIn.verifiedTokens().enabled()
					? new CachingJwtDecoder(jwtDecoder.getObject(), signIn.verifiedTokens(), clock, issuerKeys)
					: jwtDecoder.getObject();
			bearerSignIn(http, decoder, signIn.jwt(), entryPoint);
		}
		return http.build();
	}

	/**
	 * Health is public; everything else needs a signed-in user, the admin endpoints and
	 * the other actuator endpoints the ADMIN role.
	 * @param apiDocsPublic whether the OpenAPI document is public: in local mode only
	 */
	private static void authorize(HttpSecurity http, boolean apiDocsPublic) throws Exception {
		http.authorizeHttpRequests((requests) -> {
			requests.requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll();
			requests.requestMatchers("/error").permitAll();
			if (apiDocsPublic) {
				requests.requestMatchers("/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll();
			}
			requests.requestMatchers("/admin/**").hasRole(AppUser.ADMIN);
			requests.requestMatchers(EndpointRequest.toAnyEndpoint().excluding(HealthEndpoint.class))
				.hasRole(AppUser.ADMIN);
			requests.anyRequest().authenticated();
		});
	}

	/** Local mode's demo users, over HTTP Basic. */
	private static void demoUserSignIn(HttpSecurity http, ProblemAuthenticationEntryPoint entryPoint) throws Exception {
		http.httpBasic((httpBasic) -> httpBasic.realmName(ProblemAuthenticationEntryPoint.REALM)
			.authenticationEntryPoint(entryPoint));
	}

	/** JWT bearer tokens of the configured issuer, for the configured audience. */
	private static void bearerSignIn(HttpSecurity http, JwtDecoder decoder, SignInProperties.Jwt claims,
			ProblemAuthenticationEntryPoint entryPoint) throws Exception {
		/*
		 * A key set that cannot be fetched fails as an AuthenticationServiceException,
		 * which Spring's failure handler would rethrow (a 500): the entry point answers
		 * it with 503 instead.
		 */
		AuthenticationEntryPointFailureHandler failureHandler = new AuthenticationEntryPointFailureHandler(entryPoint);
		failureHandler.setRethrowAuthenticationServiceException(false);
		http.oauth2ResourceServer(
				(resourceServer) -> resourceServer.bearerTokenResolver(new HeaderBearerTokenResolver())
					.jwt((jwt) -> jwt.decoder(decoder).jwtAuthenticationConverter(new AppUserJwtConverter(claims)))
					.authenticationEntryPoint(entryPoint)
					.withObjectPostProcessor(new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
						@Override
						public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
							filter.setAuthenticationFailureHandler(failureHandler);
							return filter;
						}
					}));
	}

	/**
	 * Without an audience, any token of the same issuer would do (another application of
	 * the same Entra ID tenant, say); without an issuer, any key set's tokens. Spring
	 * checks either only when it is configured, so the service insists on both.
	 */
	private static void requireIssuerAndAudience(Environment environment) {
		for (String property : List.of("issuer-uri", "audiences")) {
			if (!StringUtils.hasText(environment.getProperty(JWT_PREFIX + property))) {
				throw new IllegalStateException("JWT sign-in needs " + JWT_PREFIX + property
						+ ": tokens are accepted only " + "from the configured issuer and for the configured audience");
			}
		}
	}

	/**
	 * No Spring Security observations: they wrap every filter of the chain in a timed
	 * observation, a fifth of the CPU time of a signed-in request. Requests are still
	 * observed as a whole ({@code http.server.requests}), and sign-in outcomes are the
	 * service's own metrics and audit trail.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * Converts the issuer's published keys once, not per token. Applied by Boot to the
	 * decoder it builds from {@code jwk-set-uri} or {@code issuer-uri}.
	 */
	@Bean
	JwkSetUriJwtDecoderBuilderCustomizer cachingKeySelector(IssuerKeys issuerKeys) {
		return (builder) -> builder.jwtProcessorCustomizer((processor) -> {
			if (processor.getJWSKeySelector() instanceof JWSVerificationKeySelector<SecurityContext> selector) {
				processor.setJWSKeySelector(new CachingJwsKeySelector(selector, issuerKeys));
			}
		});
	}

	@Bean
	RefusalDelay refusalDelay(SignInProperties signIn) {
		return new RefusalDelay(signIn.failedAttempts().refusalDelay());
	}

	/**
	 * Fetches the issuer's key set with an observed client, so that each fetch is a span
	 * of the request that needed it ({@code http.client.requests}). The time-outs are
	 * those of Spring Security's own client, Nimbus's defaults.
	 */
	@Bean
	JwkSetUriJwtDecoderBuilderCustomizer observedKeySetFetch(ObjectProvider<ObservationRegistry> observations) {
		return (builder) -> observations.ifAvailable((registry) -> {
			SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
			requests.setConnectTimeout(Duration.ofMillis(JWKSourceBuilder.DEFAULT_HTTP_CONNECT_TIMEOUT));
			requests.setReadTimeout(Duration.ofMillis(JWKSourceBuilder.DEFAULT_HTTP_READ_TIMEOUT));
			RestTemplate client = new RestTemplate(requests);
			client.setObservationRegistry(registry);
			builder.restOperations(client);
		});
	}

	/** Who hears of a change of the issuer's keys: the verified-token cache. */
	@Bean
	IssuerKeys issuerKeys() {
		return new IssuerKeys();
	}

	/**
	 * Browsers may call from the configured origins only. Front ends send the sign-in in
	 * the {@code Authorization} header, not in cookies, so credentials mode stays off.
	 */
	static CorsConfigurationSource corsConfiguration(List<String> allowedOrigins) {
		CorsConfiguration cors = new CorsConfiguration();
		cors.setAllowedOrigins(allowedOrigins);
		cors.setAllowedMethods(List.of("GET", "POST", "DELETE"));
		cors.setAllowedHeaders(List.of("Authorization", "Content-Type"));
		cors.setExposedHeaders(List.of("Retry-After"));
		cors.setAllowCredentials(false);
		cors.setMaxAge(Duration.ofHours(1));
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration("/**", cors);
		return source;
	}

	static {
		/*
		 * The signed-in user is no request parameter: keep it out of the OpenAPI
		 * document.
		 */
		SpringDocUtils.getConfig().addRequestWrapperToIgnore(AppUser.class);
	}

	@Bean
	WebMvcConfigurer appUserResolver() {
		return new WebMvcConfigurer() {
			@Override
			public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
				resolvers.add(new AppUserArgumentResolver());
			}
		};
	}

}
