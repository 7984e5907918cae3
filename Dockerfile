# ACS Token Service container image.
#
#   docker build -t acs-token-service .
#   docker run -p 8080:8080 -e SERVER_ADDRESS=0.0.0.0 acs-token-service      # local mode
#
# Production configuration (ACS_CONNECTION_STRING or ACS_ENDPOINT, SPRING_DATASOURCE_*, the JWT
# issuer) comes from the environment at run time; nothing secret is baked into the image.
#
# Build arguments:
#   BUILDER_IMAGE  a JDK 17 image that builds the jar with the Maven wrapper and extracts it
#   BASE_IMAGE     a JRE 17 image with `java` on the PATH that runs the service
#   JAR_FROM       `build` (default) compiles inside the image build, which needs Maven Central;
#                  `prebuilt` takes target/acs-token-service-*.jar from the build context, so that
#                  CI can ship the jar it has just tested, or a machine without that network can
#                  still build the image
ARG BUILDER_IMAGE=eclipse-temurin:17-jdk
ARG BASE_IMAGE=eclipse-temurin:17-jre
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
# --launcher keeps Boot's JarLauncher, so the classpath order is the jar's own and the main class
# is read from the manifest, not repeated here.
RUN java -Djarmode=tools -jar application.jar extract --layers --launcher --destination extracted \
    && mkdir -p extracted/data

FROM ${BASE_IMAGE}
WORKDIR /app
# Least likely to change first, so that a code change rebuilds only the last, small layer.
COPY --from=extract /workspace/extracted/dependencies/ ./
COPY --from=extract /workspace/extracted/spring-boot-loader/ ./
COPY --from=extract /workspace/extracted/snapshot-dependencies/ ./
COPY --from=extract /workspace/extracted/application/ ./
# Local mode keeps its H2 database and the emulator's state in ./data; production mode writes
# nothing there. Owned by the service's user, the only writable place besides /tmp.
COPY --from=extract --chown=10001:10001 /workspace/extracted/data/ ./data/

# A numeric user: Kubernetes' runAsNonRoot can only verify a numeric one, and no RUN is needed to
# add it, so any JRE image (even one without a shell) can be the base.
USER 10001:10001

# The JVM sizes its heap from the container's memory limit; an OutOfMemoryError ends the process
# so that the orchestrator restarts it instead of it limping on. JAVA_TOOL_OPTIONS, not the
# ENTRYPOINT, so that an operator can replace the flags without rebuilding the image.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

EXPOSE 8080
# No HEALTHCHECK: Docker's needs curl or wget in the image, and Kubernetes ignores it in favour of
# its own probes on /actuator/health/liveness and /actuator/health/readiness.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
