package org.acstokenservice.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.AcsTokenServiceApplication;
import org.acstokenservice.acs.AcsConnectionDetails;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorSettings;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A fleet of service instances in one JVM, as a deployment runs them behind a load
 * balancer: one PostgreSQL, one ACS resource (the emulator), JWT users from the shared
 * {@link TestJwtIssuer}, and a clock of its own for each instance.
 */
public final class Fleet implements AutoCloseable {

	private final EmbeddedPostgres postgres;

	private final AcsEmulator acs;

	private final List<Instance> instances = new ArrayList<>();

	private final TestUsers users = new TestUsers(TestJwtIssuer.shared());

	/**
	 * @param clockOffsets one per instance: how far its clock is from the true time
	 * @param properties settings for every instance, {@code name=value}
	 */
	public static Fleet start(List<Duration> clockOffsets, String... properties) {
		return start(AcsEmulatorSettings.inMemory(), clockOffsets, properties);
	}

	/**
	 * @param acs the ACS resource's emulator: its limits, say
	 * @param clockOffsets one per instance: how far its clock is from the true time
	 * @param properties settings for every instance, {@code name=value}
	 */
	public static Fleet start(AcsEmulatorSettings acs, List<Duration> clockOffsets, String... properties) {
		Fleet fleet = new Fleet(acs, properties);
		try {
			for (Duration offset : clockOffsets) {
				fleet.instances.add(fleet.startInstance(offset, properties));
			}
			return fleet;
		}
		catch (RuntimeException ex) {
			fleet.close();
			throw ex;
		}
	}

	private final String[] properties;

	private Fleet(AcsEmulatorSettings acs, String[] properties) {
		this.properties = properties;
		try {
			this.postgres = EmbeddedPostgres.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.acs = AcsEmulator.start(acs);
	}

	private Instance startInstance(Duration clockOffset, String... properties) {
		MutableClock clock = new MutableClock();
		clock.advance(clockOffset);
		String[] arguments = Stream.concat(
				Stream.of("--server.port=0", "--spring.main.banner-mode=off",
						"--spring.datasource.url=" + this.postgres.getJdbcUrl("postgres", "postgres"),
						"--spring.datasource.username=postgres", "--spring.datasource.password=postgres"),
				Stream.of(properties).map((property) -> "--" + property))
			.toArray(String[]::new);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(AcsTokenServiceApplication.class)
			.initializers((initialized) -> {
				// One emulator for all, as a deployment shares one ACS resource.
				initialized.getBeanFactory()
					.registerSingleton("sharedAcs", AcsConnectionDetails.ofConnectionString(this.acs.connectionString(),
							this.acs.certificate()));
				((GenericApplicationContext) initialized).registerBean("instanceClock", Clock.class, () -> clock,
						(definition) -> definition.setPrimary(true));
				TestJwtIssuer.shared().applyTo(initialized);
			})
			.run(arguments);
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return new Instance(context, clock, new ServiceClient(port, this.users::authorization));
	}

	/**
	 * Stops an instance and starts it again, on the same clock, with more settings (which
	 * win over the fleet's): a deployment that changes a setting.
	 */
	public Instance restart(int index, String... moreProperties) {
		Instance old = this.instances.get(index);
		old.context().close();
		List<String> overridden = Stream.of(moreProperties).map(Fleet::name).toList();
		String[] properties = Stream
			.concat(Stream.of(this.properties).filter((property) -> !overridden.contains(name(property))),
					Stream.of(moreProperties))
			.toArray(String[]::new);
		Instance restarted = startInstance(Duration.ZERO, properties);
		restarted.clock().advance(Duration.between(restarted.clock().instant(), old.clock().instant()));
		this.instances.set(index, restarted);
		return restarted;
	}

	private static String name(String property) {
		return property.substring(0, property.indexOf('='));
	}

	public Instance instance(int index) {
		return this.instances.get(index);
	}

	public List<Instance> instances() {
		return List.copyOf(this.instances);
	}

	/** The instance that the load balancer sends the {@code n}th request to. */
	public Instance roundRobin(int n) {
		return this.instances.get(n % this.instances.size());
	}

	public TestUsers users() {
		return this.users;
	}

	public AcsEmulator acs() {
		return this.acs;
	}

	public JdbcClient database() {
		return JdbcClient.create(dataSource());
	}

	/** The JDBC URL of the fleet's database, for an instance in a JVM of its own. */
	public String jdbcUrl() {
		return this.postgres.getJdbcUrl("postgres", "postgres");
	}

	public javax.sql.DataSource dataSource() {
		return this.postgres.getPostgresDatabase();
	}

	@Override
	public void close() {
		for (Instance instance : this.instances) {
			instance.context().close();
		}
		this.acs.close();
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One instance: its application context, its clock and a client of its port. */
	public record Instance(ConfigurableApplicationContext context, MutableClock clock, ServiceClient client) {

		public <T> T bean(Class<T> type) {
			return this.context.getBean(type);
		}

	}

}
