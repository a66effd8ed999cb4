# hotdesk in a container: built from this checkout, run as an unprivileged user, ledger in a volume.
#   docker build -t hotdesk .
#   docker run --network host -v hotdesk-data:/var/lib/hotdesk -e HOTDESK_AMI_SECRET=… -e HOTDESK_ARI_PASSWORD=… hotdesk
# Host networking because Asterisk reaches FastAGI and hotdesk reaches AMI/ARI on loopback by default;
# with a network of their own, set agi.bind, agi.allowed-peers, ami.host and ari.url (HOTDESK_* variables).
# compose.yaml beside this file runs it next to an Asterisk 22.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
COPY templates templates
# the self-service API's OpenAPI file is served from the jar (pom.xml resources)
COPY docs/openapi.yaml docs/openapi.yaml
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
# a fixed, unprivileged uid/gid so the volume's owner is the same in every image built from this file
RUN groupadd --system --gid 10990 hotdesk \
 && useradd --system --uid 10990 --gid hotdesk --home-dir /var/lib/hotdesk --shell /usr/sbin/nologin hotdesk \
 && install -d -m 700 -o hotdesk -g hotdesk /var/lib/hotdesk
COPY --from=build /src/target/hotdesk.jar /opt/hotdesk/hotdesk.jar
# the class archive every command maps instead of loading its classes from the jar (BENCHMARKS.md, "CLI at
# scale", "Ready after start"): a training run of this jar on a throw-away ledger; without it commands start slower
RUN java -XX:ArchiveClassesAtExit=/opt/hotdesk/hotdesk.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
        -cp /opt/hotdesk/hotdesk.jar hotdesk.app.ClassArchive >/dev/null \
 || { rm -f /opt/hotdesk/hotdesk.jsa; echo "no class archive: commands start slower" >&2; }
COPY templates /opt/hotdesk/templates
COPY asterisk-conf /opt/hotdesk/asterisk-conf
# serve's JVM options as scripts/hotdesk sets them (BENCHMARKS.md, "Scale on the real Asterisk kit")
ENV HOTDESK_DB_PATH=/var/lib/hotdesk/ledger \
    HOTDESK_JAVA_OPTS="-Xmx112m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=96m -XX:TrimNativeHeapInterval=10000 -XX:SoftRefLRUPolicyMSPerMB=100 -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2
VOLUME ["/var/lib/hotdesk"]
USER hotdesk:hotdesk
WORKDIR /var/lib/hotdesk
# FastAGI, provisioning HTTP, the desk board when admin.port is set to 8090, the self-service listener when
# self-service.port is set to 8091 and /metrics and /health when metrics.port is set to 9464 (all three off by default)
EXPOSE 4573 8089 8090 8091 9464
# every command maps the class archive when the image has one, unless HOTDESK_CLASS_ARCHIVE=off
ENTRYPOINT ["sh", "-c", "opts=$HOTDESK_JAVA_OPTS; if [ \"${HOTDESK_CLASS_ARCHIVE:-on}\" != off ] && [ -f /opt/hotdesk/hotdesk.jsa ]; then opts=\"$opts -XX:SharedArchiveFile=/opt/hotdesk/hotdesk.jsa -Xlog:cds=off -Xlog:cds+dynamic=off\"; fi; exec java $opts -jar /opt/hotdesk/hotdesk.jar \"$@\"", "hotdesk"]
CMD ["serve"]
