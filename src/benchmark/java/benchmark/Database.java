package benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The run's PostgreSQL, embedded: a database for each service process or fleet, queries
 * on them, and the windows over which row 19 counts their statements
 * ({@link DatabaseStatements}).
 */
final class Database implements AutoCloseable {

	/** The user that the services sign in as. */
	static final String USER = "postgres";

	/** The most frequent statements named in row 19's note, for each window. */
	private static final int TOP_STATEMENTS = 5;

	/* pg_partition_tree lists nothing for a table that is not partitioned. */
	private static final String TABLE_SIZES = """
			select c.relname, case when c.relkind = 'p' then (select coalesce(sum(pg_total_relation_size(t.relid)), 0)
			from pg_partition_tree(c.oid) t) else pg_total_relation_size(c.oid) end
			from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
			and c.relname <> 'flyway_schema_history'""";

	private final EmbeddedPostgres postgres;

	/** Row 19's counts; null when PostgreSQL cannot count statements. */
	private final DatabaseStatements statements;

	private final String password;

	private Database(EmbeddedPostgres postgres, DatabaseStatements statements, String password) {
		this.postgres = postgres;
		this.statements = statements;
		this.password = password;
	}

	/**
	 * Starts PostgreSQL in the work directory, its process id recorded for the script's
	 * clean-up, and has it count statements; when it cannot, that is one of the report's
	 * problems and row 19 says n/a.
	 * @param password the password that {@link #create} gives the user
	 */
	static Database start(Settings settings, Processes processes, String password, Report report) throws Exception {
		Path directory = settings.work().resolve("postgres");
		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(directory)
			.setCleanDataDirectory(true)
			.setServerConfig("listen_addresses", "127.0.0.1")
			/* Row 19 counts the statements that each database runs. */
			.setServerConfig("shared_preload_libraries", "pg_stat_statements")
			.start();
		try {
			Path postmasterPid = directory.resolve("postmaster.pid");
			if (Files.exists(postmasterPid)) {
				processes.recordPid(Long.parseLong(Files.readAllLines(postmasterPid).get(0).strip()));
			}
			DatabaseStatements counting = new DatabaseStatements(postgres.getPostgresDatabase());
			try {
				counting.enable();
			}
			catch (SQLException ex) {
				report.problem("PostgreSQL cannot count statements (pg_stat_statements): " + ex.getMessage());
				counting = null;
			}
			return new Database(postgres, counting, password);
		}
		catch (Exception | Error ex) {
			postgres.close();
			throw ex;
		}
	}

	/** Creates a database and gives the user its password; returns the database's URL. */
	String create(String name) throws Exception {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("ALTER USER " + USER + " PASSWORD '" + this.password + "'");
			statement.execute("CREATE DATABASE " + name);
		}
		return "jdbc:postgresql://127.0.0.1:" + this.postgres.getPort() + "/" + name;
	}

	/** The single number a query on one of the run's databases answers. */
	long countRows(String database, String query) throws Exception {
		try (Connection connection = this.postgres.getDatabase(USER, database).getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(query)) {
			result.next();
			return result.getLong(1);
		}
	}

	/**
	 * The numbers of the first row that a query on one of the run's databases answers.
	 */
	long[] numbers(String database, String query) throws Exception {
		try (Connection connection = this.postgres.getDatabase(USER, database).getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(query)) {
			result.next();
			long[] numbers = new long[result.getMetaData().getColumnCount()];
			for (int i = 0; i < numbers.length; i++) {
				numbers[i] = result.getLong(i + 1);
			}
			return numbers;
		}
	}

	/**
	 * Runs statements, each in a transaction of its own, on one of the run's databases.
	 */
	void execute(String database, String... statements) throws Exception {
		try (Connection connection = this.postgres.getDatabase(USER, database).getConnection();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	/**
	 * The size of each table of a database with its indexes and TOAST, a partitioned
	 * table with all its partitions, in bytes, by name; Flyway's history left out.
	 */
	Map<String, Long> tableSizes(String database) throws Exception {
		Map<String, Long> sizes = new TreeMap<>();
		try (Connection connection = this.postgres.getDatabase(USER, database).getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(TABLE_SIZES)) {
			while (result.next()) {
				sizes.put(result.getString(1), result.getLong(2));
			}
		}
		return sizes;
	}

	/**
	 * The rows of each table of a database ({@code count(*)}, a partitioned table's over
	 * its partitions), by name.
	 */
	Map<String, Long> tableRows(String database) throws Exception {
		Map<String, Long> rows = new TreeMap<>();
		try (Connection connection = this.postgres.getDatabase(USER, database).getConnection();
				Statement statement = connection.createStatement()) {
			for (String table : tableSizes(database).keySet()) {
				try (ResultSet result = statement.executeQuery("select count(*) from \"" + table + "\"")) {
					result.next();
					rows.put(table, result.getLong(1));
				}
			}
		}
		return rows;
	}

	/**
	 * The connections to a database ({@code pg_stat_activity}), counted through the
	 * {@code postgres} database so that the count's own is not one of them.
	 */
	long connections(String database) throws SQLException {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				PreparedStatement statement = connection
					.prepareStatement("select count(*) from pg_stat_activity where datname = ?")) {
			statement.setString(1, database);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	/**
	 * A window of row 19 starts: PostgreSQL forgets the statements counted so far.
	 * @return the window; null when PostgreSQL cannot count statements
	 */
	DatabaseStatements.Window startStatements(String database) throws SQLException {
		return (this.statements != null) ? this.statements.start(database) : null;
	}

	/** A window of row 19 ends: what the database ran since it started. */
	DatabaseStatements.Counts readStatements(DatabaseStatements.Window window) throws SQLException {
		return (window != null) ? this.statements.read(window, TOP_STATEMENTS) : null;
	}

	@Override
	public void close() {
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			System.err.println("Could not stop PostgreSQL: " + ex.getMessage());
		}
	}

}
