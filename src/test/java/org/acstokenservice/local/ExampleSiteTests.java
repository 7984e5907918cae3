package org.acstokenservice.local;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local mode serves the built browser example at {@code /example/} without a sign-in, and
 * nothing else besides; in production mode the site is not configured at all, so
 * {@code /example/} is closed like every other path.
 */
@ServiceTest
class ExampleSiteTests {

	/** Where the shared contexts look for the example (service-test.properties). */
	static final String DIRECTORY = "target/example-site-tests";

	private static final String PAGE = "<!doctype html><title>example under test</title>";

	@Autowired
	ServiceClient client;

	@BeforeAll
	static void buildExample() throws IOException {
		Path assets = Files.createDirectories(Path.of(DIRECTORY, "assets"));
		Files.writeString(Path.of(DIRECTORY, "index.html"), PAGE);
		Files.writeString(assets.resolve("app.js"), "console.log('example');");
	}

	@Test
	void exampleWhenLocalModeThenServedWithoutSignIn() {
		HttpResponse<String> page = this.client.get("/example/", null);

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).isEqualTo(PAGE);
		assertThat(page.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.headers().firstValue("Content-Security-Policy"))
			.hasValue(ExampleSiteConfiguration.CONTENT_SECURITY_POLICY);
		HttpResponse<String> script = this.client.get("/example/assets/app.js", null);
		assertThat(script.statusCode()).isEqualTo(200);
		assertThat(script.body()).contains("example");
	}

	@Test
	void exampleWithoutSlashThenRedirectedToIt() {
		HttpResponse<String> response = this.client.get("/example", null);

		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/example/"));
	}

	@Test
	void exampleWhenMissingFileOrOtherMethodThenProblem() {
		assertProblem(this.client.get("/example/assets/missing.js", null), 404, "not_found");
		assertProblem(this.client.post("/example/", null, "{}"), 405, "method_not_allowed");
		HttpRequest delete = this.client.request("/example/index.html", null).DELETE().build();
		assertProblem(this.client.send(delete), 405, "method_not_allowed");
	}

	@Test
	void exampleWhenPathLeavesItThenRefused() {
		assertThat(this.client.get("/example/..%2F..%2Fpom.xml", null).statusCode()).isEqualTo(400);
		assertProblem(this.client.get("/example-not-built/index.html", null), 401, "unauthorized");
		assertProblem(this.client.get("/index.html", null), 401, "unauthorized");
		assertProblem(this.client.post("/token", null, null), 401, "unauthorized");
	}

	@Test
	void exampleWhenProductionModeThenNeitherServedNorOpened() {
		new ApplicationContextRunner().withUserConfiguration(ExampleSiteConfiguration.class)
			.withPropertyValues("acs.endpoint=https://my-resource.communication.azure.com/",
					"token-service.local.example.directory=" + DIRECTORY)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SecurityFilterChain.class);
				assertThat(context).doesNotHaveBean(WebMvcConfigurer.class);
			});
	}

}
