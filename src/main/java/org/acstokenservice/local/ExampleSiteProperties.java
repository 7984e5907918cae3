package org.acstokenservice.local;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code token-service.local.example.*} properties: where local mode finds the built
 * browser example that it serves at {@code /example/}.
 *
 * @param directory the example's build output ({@code npm run build} in
 * {@code examples/web}); relative paths start from the working directory, which is the
 * project's root under {@code ./mvnw spring-boot:run}. When it holds no
 * {@code index.html}, {@code /example/} says how to build it.
 */
@ConfigurationProperties("token-service.local.example")
record ExampleSiteProperties(@DefaultValue("examples/web/dist") Path directory) {

	/** The directory as a Spring resource location, which must end with a slash. */
	String location() {
		String uri = this.directory.toAbsolutePath().normalize().toUri().toString();
		return uri.endsWith("/") ? uri : uri + "/";
	}

}
