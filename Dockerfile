# ACS Token Service container image.
#
#   docker build -t acs-token-service .
#   docker run --network host acs-token-service      # local mode: the host's 127.0.0.1:8080 only
#
# Production configuration (ACS_CONNECTION_STRING or ACS_ENDPOINT, SPRING_DATASOURCE_*, the JWT
# issuer) comes from the environment at run time; nothing secret is baked into the image.
#
# Build arguments:
#   BUILDER_IMAGE  a JDK (17 or later) image that builds the jar with the Maven wrapper and
#                  extracts it; the pom compiles for Java 17 whatever the JDK
#   BASE_IMAGE     a JRE 25 image with `java` on the PATH that runs the service; it also makes
#                  the AOT cache at build time, so the cache always matches the JVM that uses it
#   JAR_FROM       `build` (default) compiles inside the image build, which needs Maven Central;
#                  `prebuilt` takes target/acs-token-service-*.jar from the build context, so that
#                  CI can ship the jar it has just tested, or a machine without that network can
#                  still build the image
ARG BUILDER_IMAGE=eclipse-temurin:17-jdk
ARG BASE_IMAGE=eclipse-temurin:25-jre
ARG JAR_FROM=build

FROM ${BUILDER_IMAGE} AS build
WORKDIR /workspace
# The wrapper and the pom first, so that the dependency layer survives a change in src/.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
# Tests run in CI before the image is built (./mvnw -B verify); here they would only double the time.
RUN ./mvnw -B -q package -DskipTests \
    && cp target/acs-token-service-*.jar application.jar

FROM ${BUILDER_IMAGE} AS prebuilt
WORKDIR /workspace
COPY target/acs-token-service-*.jar application.jar

# hadolint and dockerfilelint cannot follow a stage chosen by an ARG; Docker and buildah can.
FROM ${JAR_FROM} AS extract
# Without --launcher: application.jar with its dependencies in lib/ beside it, named in its
# manifest's Class-Path, so `java -jar application.jar` runs it. The AOT cache needs exactly that,
# a class path of plain jars; Boot's JarLauncher would load the classes itself.
RUN java -Djarmode=tools -jar application.jar extract --layers --destination extracted \
    && mkdir -p extracted/data

FROM ${BASE_IMAGE}
WORKDIR /app
# Least likely to change first, so that a code change rebuilds only the last, small layer.
# (The fourth layer, spring-boot-loader, is empty without --launcher.)
COPY --from=extract /workspace/extracted/dependencies/ ./
COPY --from=extract /workspace/extracted/snapshot-dependencies/ ./
COPY --from=extract /workspace/extracted/application/ ./
# Local mode keeps its H2 database and the emulator's state in ./data; production mode writes
# nothing there. Owned by the service's user, the only writable place besides /tmp.
COPY --from=extract --chown=10001:10001 /workspace/extracted/data/ ./data/

# The JVM sizes its heap from the container's memory limit; an OutOfMemoryError ends the process
# so that the orchestrator restarts it instead of it limping on. The serial collector, which the
# JVM picks by itself below 2 CPUs or about 1.8 GB, and a small initial heap (otherwise 1/64 of
# the memory it sees) keep the resident set at about 300 MB under load instead of 550 to 800 MB
# on a machine of 2 cores and 24 GB, at no cost in throughput
# (docs/benchmarks/2026-11-29-container.md). Six compiler threads instead of the two (one for
# C2) that the JVM chooses on 2 CPUs: under load the one C2 thread got as much CPU as each of
# some 30 busy request threads, and a new instance ran
# interpreted and C1 code for over a minute. Started at once: the JVM would start the extra ones
# only while 200 MB of the container's memory are free for each.
# JAVA_TOOL_OPTIONS, not the ENTRYPOINT, so that an operator can replace the flags without
# rebuilding the image. Set before the training run below, so that the cache is made with the
# flags it will be used with.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -Xms32m -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError \
    -XX:CICompilerCount=6 -XX:-UseDynamicNumberOfCompilerThreads"
# Logs as JSON lines in the Elastic Common Schema, one event a line with its trace and span ids,
# for a log collector to ship as they are (docs/operations.md, "Logs"). `logstash` or `gelf`
# is another schema; an empty value (-e LOGGING_STRUCTURED_FORMAT_CONSOLE=) gives back the
# human-readable lines of a local run.
ENV LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs

# Training run: start the application up to a refreshed context and exit (code 0), recording the
# classes it loaded and linked and its method profiles into app.aot (Java 25's AOT cache,
# JEP 483/514/515), which the ENTRYPOINT then maps instead of loading and linking those classes
# again. Same JVM, same /app and same class path as at run time, which the cache requires. Local
# mode with nothing kept: an in-memory database and emulator, so ./data stays empty. The JWT
# issuer loads the production sign-in classes too; its key set would only be fetched on the
# first request (the address is never reached). -Xmx1g: on a build machine with more than about
# 42 GB the heap of 75 % would turn compressed oops off, and a cache made so is refused by every
# JVM that has them on. Exec form: the base needs no shell.
RUN ["java", "-Xmx1g", "-XX:AOTCacheOutput=app.aot", "-Dspring.context.exit=onRefresh", \
    "-jar", "application.jar", \
    "--server.port=0", "--server.address=127.0.0.1", \
    "--spring.datasource.url=jdbc:h2:mem:training", "--acs.emulator.data-dir=", \
    "--spring.security.oauth2.resourceserver.jwt.issuer-uri=https://issuer.invalid/", \
    "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks", \
    "--spring.security.oauth2.resourceserver.jwt.audiences=training"]

# A numeric user: Kubernetes' runAsNonRoot can only verify a numeric one, and no useradd is needed
# to add it, so any JRE image (even one without a shell) can be the base. After the training run,
# so that app.aot belongs to root and the service can read it but not change it.
USER 10001:10001

EXPOSE 8080
# No HEALTHCHECK: Docker's needs curl or wget in the image, and Kubernetes ignores it in favour of
# its own probes on /actuator/health/liveness and /actuator/health/readiness.
# A missing or stale cache (another JVM, a changed jar, -XX:-UseCompressedOops) is reported on
# standard error and the service starts without it; JAVA_TOOL_OPTIONS="-XX:AOTMode=off …" turns
# it off.
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-jar", "application.jar"]
