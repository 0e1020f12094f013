# syntax=docker/dockerfile:1
# The Dialectic service (orchestrator and/or workers) as a container image:
#   docker build -t dialectic:0.1.0 .
#   docker run --rm dialectic:0.1.0 --help
# It is configured only as the service is anywhere else: DIALECTIC_BOOTSTRAP_SERVERS and
# DIALECTIC_SCHEMA_REGISTRY_URL in the environment, and the command line of `./dialectic app` (--roles,
# --config FILE, --set KEY=VALUE; `--list-settings` prints them all). docker-compose.yml runs it.

# Build with the Maven wrapper, as ./dialectic does: the service's jar and its runtime libraries.
FROM eclipse-temurin:21.0.9_10-jdk AS build
WORKDIR /src
COPY . .
# The cache keeps Maven, the dependencies and the registry artifact local-stack unpacks between builds.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B --no-transfer-progress -pl streams-app -am -DskipTests package

# Run on a JRE as a user without privileges. /var/lib/dialectic holds the orchestrator's local state (a cache
# of its changelogs): mount a volume there to spare the restore after a restart.
FROM eclipse-temurin:21.0.9_10-jre
RUN groupadd --system dialectic \
    && useradd --system --gid dialectic --home-dir /opt/dialectic --no-create-home dialectic \
    && mkdir -p /var/lib/dialectic \
    && chown dialectic:dialectic /var/lib/dialectic
WORKDIR /opt/dialectic
COPY --from=build /src/streams-app/target/lib/ lib/
COPY --from=build /src/streams-app/target/dialectic-streams-app.jar .
USER dialectic
# The HTTP API: health, metrics (api.port; set api.host=0.0.0.0 in a container).
EXPOSE 8080
# The jar's manifest puts lib/ on the class path, as for ./dialectic app.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-XX:MaxRAMPercentage=75", \
            "-cp", "/opt/dialectic/dialectic-streams-app.jar", "dev.dialectic.app.DialecticApp"]
