package benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * The statements that PostgreSQL ran for one database over a window, from the
 * {@code pg_stat_statements} extension (its library preloaded by the server): every
 * top-level statement of every connection to that database, the instances' background
 * jobs included, utility statements ({@code BEGIN}, {@code SET}) too. The JDBC driver's
 * {@code COMMIT} and {@code ROLLBACK} are the exception: PostgreSQL 14 counts only each
 * connection's first (checked with the driver and zonky's binaries), so the window's
 * transactions are counted as well, from {@code pg_stat_database} ({@code xact_commit}
 * and {@code xact_rollback}), which is less exact: backends report them at most every
 * half second and a reader sees a snapshot up to half a second old.
 * <p>
 * The statistics are reset and read through the {@code postgres} database, never through
 * the one measured, and are read for the measured database only, so that the benchmark's
 * own statements are not counted.
 */
final class DatabaseStatements {

	/** Characters of a statement's text shown in the table. */
	static final int SHOWN = 60;

	private static final String CALLS = """
			select coalesce(sum(s.calls), 0) from pg_stat_statements s
			join pg_database d on d.oid = s.dbid where d.datname = ?""";

	private static final String TRANSACTIONS = """
			select coalesce(sum(xact_commit + xact_rollback), 0) from pg_stat_database where datname = ?""";

	private static final String TOP = """
			select s.query, sum(s.calls) as calls from pg_stat_statements s
			join pg_database d on d.oid = s.dbid where d.datname = ?
			group by s.query order by calls desc, s.query limit ?""";

	private final DataSource postgres;

	/**
	 * @param postgres the server's {@code postgres} database, as its superuser
	 */
	DatabaseStatements(DataSource postgres) {
		this.postgres = postgres;
	}

	/**
	 * Creates the extension.
	 * @throws SQLException when the server's binaries do not ship it or the library is
	 * not preloaded
	 */
	void enable() throws SQLException {
		try (Connection connection = this.postgres.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("create extension if not exists pg_stat_statements");
			statement.executeQuery("select count(*) from pg_stat_statements").close();
		}
	}

	/**
	 * A window starts: forgets every statement counted so far, in every database, and
	 * notes the database's transactions.
	 * @param database the database's name
	 * @return the window, for {@link #read}
	 */
	Window start(String database) throws SQLException {
		try (Connection connection = this.postgres.getConnection()) {
			try (Statement statement = connection.createStatement()) {
				statement.executeQuery("select pg_stat_statements_reset()").close();
			}
			return new Window(database, number(connection, TRANSACTIONS, database));
		}
	}

	/**
	 * A window ends: what the database ran since it started.
	 * @param window the window, from {@link #start}
	 * @param top how many of the most frequent statements to name
	 * @return the counts and the most frequent statements
	 */
	Counts read(Window window, int top) throws SQLException {
		String database = window.database();
		try (Connection connection = this.postgres.getConnection()) {
			long calls = number(connection, CALLS, database);
			long transactions = number(connection, TRANSACTIONS, database) - window.transactions();
			List<Top> most = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement(TOP)) {
				statement.setString(1, database);
				statement.setInt(2, top);
				try (ResultSet result = statement.executeQuery()) {
					while (result.next()) {
						most.add(new Top(result.getLong("calls"), shown(result.getString("query"))));
					}
				}
			}
			return new Counts(calls, transactions, most);
		}
	}

	private static long number(Connection connection, String query, String database) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(query)) {
			statement.setString(1, database);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	/**
	 * A statement's text as the table shows it: PostgreSQL has already replaced its
	 * constants by {@code $1}, {@code $2}; white space is made single and the text cut to
	 * {@link #SHOWN} characters.
	 */
	static String shown(String query) {
		String single = query.replaceAll("\\s+", " ").strip();
		return (single.length() > SHOWN) ? single.substring(0, SHOWN) + "…" : single;
	}

	/**
	 * A window that has started.
	 *
	 * @param database the database measured
	 * @param transactions its transactions so far
	 */
	record Window(String database, long transactions) {
	}

	/**
	 * What one database ran over a window.
	 *
	 * @param calls top-level statements executed
	 * @param transactions transactions committed or rolled back
	 * @param top the most frequent statements, most first
	 */
	record Counts(long calls, long transactions, List<Top> top) {
	}

	/**
	 * One statement and how often it ran.
	 *
	 * @param calls executions over the window
	 * @param query its normalised text, cut short
	 */
	record Top(long calls, String query) {
	}

}
