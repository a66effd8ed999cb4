# Build: docker build -t hotdesk .    Run: docker run --network host -v hotdesk-data:/var/lib/hotdesk hotdesk
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
COPY templates templates
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --home /var/lib/hotdesk hotdesk && mkdir -p /var/lib/hotdesk && chown hotdesk /var/lib/hotdesk
COPY --from=build /src/target/hotdesk.jar /opt/hotdesk/hotdesk.jar
COPY templates /opt/hotdesk/templates
COPY asterisk-conf /opt/hotdesk/asterisk-conf
USER hotdesk
WORKDIR /var/lib/hotdesk
# FastAGI, provisioning HTTP
EXPOSE 4573 8089
ENTRYPOINT ["java", "-jar", "/opt/hotdesk/hotdesk.jar"]
CMD ["serve"]
