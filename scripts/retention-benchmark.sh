#!/usr/bin/env bash
# Measures the audit trail's retention on PostgreSQL both ways, an hour of reuse hits at 1,000 a
# second (3.6 million rows): one delete as the purge before V11, deletes in batches, and the drop
# of a day's partition; also the V11 migration of a table that holds the hour. About 4 minutes
# on 2 cores and 4 GB of disk in target/retention-benchmark/ (src/benchmark/java/benchmark/
# RetentionBenchmark.java; results in docs/benchmarks/).
#
#   scripts/retention-benchmark.sh                 # an hour's rows
#   scripts/retention-benchmark.sh --rows=100000   # seconds: checks that it works
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q test-compile org.apache.maven.plugins:maven-dependency-plugin:3.11.0:build-classpath \
  -Dmdep.outputFile=target/benchmark-classpath.txt -Dmdep.includeScope=test
# The migrations come from target/classes, as the service reads them.
java -cp "target/test-classes:target/classes:$(cat target/benchmark-classpath.txt)" benchmark.RetentionBenchmark "$@"
