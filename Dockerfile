# syntax=docker/dockerfile:1
# One image definition for every service; pick the module with a build arg:
#   docker build --build-arg MODULE=gateway -t zep-users/gateway .
# (docker-compose.yml does this for command-service, query-service and gateway.)

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# poms first, so the dependency download is cached until a pom changes
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY events/pom.xml events/
COPY http-api/pom.xml http-api/
COPY service-web/pom.xml service-web/
COPY test-infra/pom.xml test-infra/
COPY command-service/pom.xml command-service/
COPY query-service/pom.xml query-service/
COPY gateway/pom.xml gateway/
COPY local-stack/pom.xml local-stack/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -q -B -ntp dependency:go-offline -DexcludeReactor=true || true
COPY . .
ARG MODULE
RUN test -n "$MODULE" || (echo "build with --build-arg MODULE=<command-service|query-service|gateway>" >&2; exit 1)
RUN --mount=type=cache,target=/root/.m2 ./mvnw -q -B -ntp -DskipTests -pl "$MODULE" -am package \
 && cp "$MODULE"/target/*-exec.jar /app.jar

FROM eclipse-temurin:17-jre AS run
RUN groupadd --system app && useradd --system --gid app --home-dir /app app
WORKDIR /app
COPY --from=build /app.jar /app/app.jar
COPY --chmod=0755 <<'HEALTH' /usr/local/bin/healthcheck
#!/usr/bin/env bash
# healthcheck <port> <path>: 0 when GET http://127.0.0.1:<port><path> answers 200 (no curl/wget in the JRE image)
exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3
IFS= read -r -t 5 status <&3 || exit 1
[[ $status == "HTTP/1."?" 200"* ]]
HEALTH
USER app
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Daxoniq.update-checker.disabled=true"
# two malloc arenas: glibc keeps freed native memory per arena, up to eight per CPU (docs/performance.md, stop 31)
ENV MALLOC_ARENA_MAX=2
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
