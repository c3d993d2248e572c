# The stream-aligner application image: builds topology/target/stream-aligner.jar, then runs it on a JRE
# with the bundled models. Used by docker-compose.yml; on its own:
#   docker build -t stream-aligner . && docker run --rm stream-aligner run --bootstrap-servers HOST:9092
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B -pl topology -am -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/topology/target/stream-aligner.jar /app/stream-aligner.jar
# The default model folders are ./models/toy-math-upstream and ./models/toy-math-aligner, relative to /app.
COPY models/toy-math-upstream /app/models/toy-math-upstream
COPY models/toy-math-aligner /app/models/toy-math-aligner
ENTRYPOINT ["java", "-jar", "/app/stream-aligner.jar"]
CMD ["--help"]
