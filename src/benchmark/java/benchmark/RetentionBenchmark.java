package benchmark;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The audit trail's retention measured both ways on PostgreSQL, for
 * {@code docs/benchmarks/}: an hour of reuse hits at 1,000 a second (3.6 million rows,
 * shaped like the service's: one resource, 200,000 users) deleted as the purge before V11
 * deleted it, deleted in the batches that the partitioned retention uses for an older
 * table, and dropped as a day's partition. A day is 24 such hours: the deletes scale with
 * the rows, the drop does not. Also the V11 migration of a table that holds the hour. Run
 * by {@code scripts/retention-benchmark.sh}; {@code --rows=N} for another size (the first
 * argument).
 */
public final class RetentionBenchmark {

	/** As {@code PartitionedAuditRetention.TRIM_BATCH}. */
	private static final int BATCH = 10_000;

	private static final String DAY = "2026-09-01";

	private static final String NEXT_DAY = "2026-09-02";

	private RetentionBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rows = Arrays.stream(args)
			.filter((arg) -> arg.startsWith("--rows="))
			.map((arg) -> Integer.parseInt(arg.substring("--rows=".length())))
			.findFirst()
			.orElse(3_600_000);
		Path directory = Path.of("target/retention-benchmark/postgres");
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(directory)
			.setCleanDataDirectory(true)
			.start()) {
			DataSource dataSource = postgres.getPostgresDatabase();
			try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
				System.out.println(scalar(sql, "select version()"));
				System.out.printf(Locale.ROOT, "rows: %,d (an hour at 1,000 a second is 3,600,000)%n", rows);

				flyway(dataSource).target(lastBefore(dataSource, "11")).load().migrate();
				long fill = time(() -> fill(sql, "audit_event", DAY, rows));
				long bytes = Long.parseLong(scalar(sql, "select pg_total_relation_size('audit_event')"));
				System.out.printf(Locale.ROOT, "fill, table before V11: %,d ms; %,d bytes a row with its indexes%n",
						fill, bytes / rows);

				connection.setAutoCommit(false);
				long delete = time(
						() -> sql.executeUpdate("delete from audit_event where occurred_at < '" + NEXT_DAY + "'"));
				connection.rollback();
				connection.setAutoCommit(true);
				System.out.printf(Locale.ROOT, "one delete of the rows (the purge before V11): %,d ms%n", delete);

				sql.execute("vacuum analyze audit_event");
				long migration = time(() -> flyway(dataSource).load().migrate());
				System.out.printf(Locale.ROOT, "V11 migration of a table holding these rows: %,d ms%n", migration);

				sql.execute("vacuum analyze audit_event_legacy");
				String walBefore = scalar(sql, "select pg_current_wal_lsn()");
				int[] statements = new int[1];
				long batches = time(() -> {
					while (sql.executeUpdate("delete from audit_event_legacy where ctid = any (array(select ctid from "
							+ "audit_event_legacy where occurred_at < '" + NEXT_DAY + "' limit " + BATCH + "))") > 0) {
						statements[0]++;
					}
				});
				long wal = Long.parseLong(scalar(sql, "select pg_current_wal_lsn() - '" + walBefore + "'"));
				System.out.printf(Locale.ROOT,
						"deletes in batches of %,d: %,d ms, %,d rows a second, %,d ms a batch, %,d MB of WAL%n", BATCH,
						batches, rows * 1000L / Math.max(batches, 1), batches / Math.max(statements[0], 1),
						wal / 1_000_000);
				long vacuum = time(() -> sql.execute("vacuum audit_event_legacy"));
				System.out.printf(Locale.ROOT, "vacuum after the batches: %,d ms%n", vacuum);

				// Emptied by now, and its range holds the days below.
				sql.execute("drop table audit_event_legacy");
				sql.execute("set lock_timeout = 200");
				String first = partition(sql, DAY, NEXT_DAY);
				long fillPartition = time(() -> fill(sql, "audit_event", DAY, rows));
				System.out.printf(Locale.ROOT, "fill, a day's partition: %,d ms; %,d bytes a row with its indexes%n",
						fillPartition,
						Long.parseLong(scalar(sql, "select pg_total_relation_size('" + first + "')")) / rows);
				long drop = time(() -> sql.execute("drop table " + first));
				System.out.printf(Locale.ROOT, "drop of the day's partition, attached: %,d ms%n", drop);

				String second = partition(sql, NEXT_DAY, "2026-09-03");
				fill(sql, "audit_event", NEXT_DAY, rows);
				long detach = time(() -> sql.execute("alter table audit_event detach partition " + second));
				long dropDetached = time(() -> sql.execute("drop table " + second));
				System.out.printf(Locale.ROOT,
						"detach of the day's partition (the table locked): %,d ms; then its drop apart: %,d ms%n",
						detach, dropDetached);
			}
		}
	}

	private static String partition(Statement sql, String from, String to) throws SQLException {
		String name = "audit_event_p" + from.replace("-", "");
		sql.execute("create table " + name + " partition of audit_event for values from ('" + from + "') to ('" + to
				+ "')");
		return name;
	}

	/**
	 * Rows of reuse hits over an hour of the day, evenly spread, through the table given
	 * (the partitioned one routes them).
	 */
	private static void fill(Statement sql, String table, String day, int rows) throws SQLException {
		sql.execute("insert into " + table + " (occurred_at, action, outcome, actor, subject, "
				+ "communication_user_id, reason, detail, resource) select timestamptz '" + day
				+ " 10:00:00+00' + (i * interval '1 hour') / " + rows + ", 'TOKEN_ISSUE', 'SUCCESS', u, u, "
				+ "'8:acs:6f2b1c0e-7d4a-4b8e-9a51-3c2d1e0f9a8b_' || md5(u), null, "
				+ "'tier=standard scopes=default expiresInMinutes=default reused', null "
				+ "from (select i, 'user-' || lpad((i % 200000)::text, 30, '0') as u " + "from generate_series(0, "
				+ (rows - 1) + ") as i) as hits");
	}

	private static FluentConfiguration flyway(DataSource dataSource) {
		return Flyway.configure()
			.dataSource(dataSource)
			.locations("classpath:db/migration", "classpath:db/vendor/postgresql");
	}

	private static MigrationVersion lastBefore(DataSource dataSource, String version) {
		MigrationVersion limit = MigrationVersion.fromVersion(version);
		return Arrays.stream(flyway(dataSource).load().info().all())
			.map(MigrationInfo::getVersion)
			.filter((each) -> each.isNewerThan(MigrationVersion.EMPTY) && limit.isNewerThan(each))
			.max(Comparator.naturalOrder())
			.orElseThrow();
	}

	private static String scalar(Statement sql, String query) throws SQLException {
		try (ResultSet result = sql.executeQuery(query)) {
			result.next();
			return result.getString(1);
		}
	}

	private static long time(Work work) throws Exception {
		long start = System.nanoTime();
		work.run();
		return Duration.ofNanos(System.nanoTime() - start).toMillis();
	}

	@FunctionalInterface
	private interface Work {

		void run() throws Exception;

	}

}
