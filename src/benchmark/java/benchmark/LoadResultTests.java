package benchmark;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The benchmark reads wrk's report and its own SDK client's line; a change of either
 * format must fail here, not in the middle of a ten-minute run.
 */
class LoadResultTests {

	private static final String WRK_REPORT = """
			Running 3s test @ http://127.0.0.1:42911/token
			  2 threads and 32 connections
			  Thread Stats   Avg      Stdev     Max   +/- Stdev
			    Latency   108.64ms  101.76ms 538.26ms   80.00%
			    Req/Sec   178.16    110.50   434.00     68.42%
			  Latency Distribution
			     50%  874.48us
			     75%  160.07ms
			     90%  248.40ms
			     99%    1.42s
			  1057 requests in 3.04s, 1.27MB read
			  Socket errors: connect 0, read 2, write 0, timeout 3
			  Non-2xx or 3xx responses: 7
			Requests/sec:    347.87
			Transfer/sec:    428.38KB
			tokens-wrapped 10
			""";

	@Test
	void parseWrkThenRequestsPercentilesErrorsAndWraps() {
		LoadResult result = LoadResult.parseWrk(WRK_REPORT);
		assertThat(result.requests()).isEqualTo(1057);
		assertThat(result.seconds()).isEqualTo(3.04);
		assertThat(result.requestsPerSecond()).isCloseTo(347.7, within(0.1));
		assertThat(result.p50Millis()).isCloseTo(0.87448, within(1e-9));
		assertThat(result.p99Millis()).isEqualTo(1420.0);
		assertThat(result.failures()).isEqualTo(7);
		assertThat(result.socketErrors()).isEqualTo(5);
		assertThat(result.tokensWrapped()).isEqualTo(10);
	}

	@Test
	void parseWrkThenSlowestAnswerFromLatencyStats() {
		assertThat(LoadResult.parseWrk(WRK_REPORT).maxMillis()).isEqualTo(538.26);
		String slow = WRK_REPORT.replace("Latency   108.64ms  101.76ms 538.26ms",
				"Latency     1.21s   800.00ms   8.10s ");
		assertThat(LoadResult.parseWrk(slow).maxMillis()).isEqualTo(8100.0);
	}

	@Test
	void parseWrkWhenNoLatencyStatsThenSlowestUnknown() {
		String without = WRK_REPORT.replaceAll("(?m)^.*Latency {3}108.*\\n", "");
		assertThat(LoadResult.parseWrk(without).maxMillis()).isNaN();
	}

	@Test
	void parseWrkWhenAllWentWellThenNoErrors() {
		String clean = WRK_REPORT.replaceAll("(?m)^.*(Socket errors|Non-2xx).*\\n", "");
		LoadResult result = LoadResult.parseWrk(clean);
		assertThat(result.failures()).isZero();
		assertThat(result.socketErrors()).isZero();
	}

	@Test
	void parseWrkWhenScriptCountsStatusesThenAnswersByStatus() {
		LoadResult result = LoadResult.parseWrk(WRK_REPORT + "statuses 200=1 401=10 429=1040 503=6\n");
		assertThat(result.statuses())
			.containsExactlyInAnyOrderEntriesOf(Map.of(200, 1L, 401, 10L, 429, 1040L, 503, 6L));
		assertThat(result.answers(400, 499)).isEqualTo(1050);
		assertThat(result.answers(500, 599)).isEqualTo(6);
	}

	@Test
	void parseWrkWhenScriptCountsNoStatusThenNone() {
		assertThat(LoadResult.parseWrk(WRK_REPORT).statuses()).isEmpty();
		assertThat(LoadResult.parseWrk(WRK_REPORT + "statuses\n").statuses()).isEmpty();
	}

	@Test
	void parseLineWhenWrittenBySdkLoadThenSameResult() {
		LoadResult written = new LoadResult(6400, 20.013, 96.123, 115.5, 2, 0, 0);
		String output = "some log line\n" + written.toLine() + "\n";
		assertThat(LoadResult.parseLine(output)).isEqualTo(new LoadResult(6400, 20.013, 96.123, 115.5, 2, 0, 0));
	}

	@Test
	void togetherThenStatusesAddUp() {
		LoadResult together = LoadResult
			.together(List.of(new LoadResult(11, 3.0, 1.0, 2.0, 11, 0, 0, Map.of(401, 10L, 429, 1L)),
					new LoadResult(5, 3.0, 1.0, 2.0, 5, 0, 0, Map.of(429, 5L))));
		assertThat(together.statuses()).containsExactlyInAnyOrderEntriesOf(Map.of(401, 10L, 429, 6L));
	}

	@Test
	void togetherThenThroughputsAddUpAndHighestPercentiles() {
		LoadResult together = LoadResult.together(List.of(new LoadResult(2000, 20.0, 3.0, 30.0, 1, 0, 5),
				new LoadResult(3000, 20.5, 2.0, 40.0, 0, 2, 7), new LoadResult(1000, 19.9, 4.0, 20.0, 0, 0, 0)));
		assertThat(together.requests()).isEqualTo(6000);
		assertThat(together.requestsPerSecond()).isCloseTo(100 + 3000 / 20.5 + 1000 / 19.9, within(1e-9));
		assertThat(together.p50Millis()).isEqualTo(4.0);
		assertThat(together.p99Millis()).isEqualTo(40.0);
		assertThat(together.maxMillis()).isNaN();
		assertThat(together.failures()).isEqualTo(1);
		assertThat(together.socketErrors()).isEqualTo(2);
		assertThat(together.tokensWrapped()).isEqualTo(12);
	}

	@Test
	void togetherThenSlowestOfTheKnownSlowest() {
		LoadResult together = LoadResult.together(List.of(new LoadResult(10, 3.0, 1.0, 2.0, 950.0, 0, 0, 0, Map.of()),
				new LoadResult(10, 3.0, 1.0, 2.0, 2100.0, 0, 0, 0, Map.of()),
				new LoadResult(10, 3.0, 1.0, 2.0, 0, 0, 0)));
		assertThat(together.maxMillis()).isEqualTo(2100.0);
	}

	@Test
	void oneAfterAnotherThenAnswersAndSecondsAddUpAndMedianPercentiles() {
		LoadResult rounds = LoadResult.oneAfterAnother(List.of(new LoadResult(2000, 20.0, 3.0, 30.0, 1, 0, 5),
				new LoadResult(3000, 20.0, 2.0, 40.0, 0, 2, 7), new LoadResult(1000, 20.0, 4.0, 20.0, 0, 0, 0)));
		assertThat(rounds.requests()).isEqualTo(6000);
		assertThat(rounds.requestsPerSecond()).isEqualTo(100.0);
		assertThat(rounds.p50Millis()).isEqualTo(3.0);
		assertThat(rounds.p99Millis()).isEqualTo(30.0);
		assertThat(rounds.failures()).isEqualTo(1);
		assertThat(rounds.socketErrors()).isEqualTo(2);
		assertThat(rounds.tokensWrapped()).isEqualTo(12);
	}

}
