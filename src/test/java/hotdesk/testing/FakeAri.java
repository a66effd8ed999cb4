package hotdesk.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An ARI-like HTTP server for adapter tests, built from what a real Asterisk 22.10.1 answered (see
 * the recorded transcripts of push configuration). It serves {@code GET /ari/asterisk/info} and
 * {@code GET|PUT|DELETE /ari/asterisk/config/dynamic/res_pjsip/{endpoint|aor|auth}/{id}} on
 * 127.0.0.1 (ephemeral port), with Basic auth, and copies Asterisk's unpleasant parts:
 * <ul>
 *   <li>PUT creates or <b>merges</b>: fields not sent keep their value; the answer is the full
 *       attribute list including Asterisk's defaults, and for {@code auth} the password in clear;</li>
 *   <li>booleans are normalised ({@code yes} → {@code true}) and a bad boolean is stored as
 *       {@code false}; {@code allow} reads back as {@code (ulaw|alaw)}; {@code disallow} is write-only;</li>
 *   <li>objects "from pjsip.conf" ({@link #configObject}) answer 403 to PUT and DELETE;</li>
 *   <li>an endpoint PUT with {@code set_var} succeeds, after which every PUT on it answers
 *       500 {@code {"error":"Allocation failed"}} and changes nothing, until DELETE + re-create;</li>
 *   <li>DELETE of an endpoint leaves its aor and auth; nothing checks references;</li>
 *   <li>{@link #restart()} wipes pushed (memory) objects; {@link #down()}/{@link #up()} refuse
 *       connections and come back on the same port; {@link #slow} delays every answer.</li>
 * </ul>
 * A delayed request still takes effect once its delay is over, as on a busy Asterisk: a client
 * timeout does not mean the change did not happen. Thread-safe.
 */
public final class FakeAri implements AutoCloseable {

    static {
        // Asterisk answers a PUT in about a millisecond (recorded: p50 1.2 ms on one keep-alive
        // connection). The JDK server leaves Nagle on by default, which adds the peer's 40 ms delayed
        // ACK to every answer sent in two writes: a latency Asterisk does not have. JVM-wide, read when
        // the first server is made, so set it here unless someone chose otherwise.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** One request as the fake saw it: raw path, answer status, attribute names of a PUT body, client port. */
    public record Request(String method, String path, int status, List<String> attributes, int remotePort) {
    }

    private record Answer(int status, String json) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final String VERSION = "22.10.1";

    // attribute lists in the order Asterisk answered them (ari-02); values are the defaults of a new
    // object (those hotdesk always sets are the documented Asterisk defaults, not the recorded ones)
    private static final String ENDPOINT_DEFAULTS = """
            rpid_immediate=false
            webrtc=no
            ignore_183_without_sdp=false
            send_aoc=false
            device_state_busy_at=0
            t38_udptl_maxdatagram=0
            codec_prefs_incoming_answer=prefer:pending, operation:intersect, keep:all, transcode:allow
            security_negotiation=no
            dtls_rekey=0
            rtp_port_end=0
            named_pickup_group=
            direct_media_method=invite
            send_rpid=false
            pickup_group=
            sdp_session=Asterisk
            dtls_verify=No
            message_context=
            tenantid=
            mailboxes=
            record_on_feature=automixmon
            dtls_private_key=
            dtls_fingerprint=SHA-256
            overlap_context=
            outgoing_call_offer_pref=remote_merge
            rtp_port_start=0
            from_domain=
            timers_sess_expires=1800
            named_call_group=
            dtls_cipher=
            media_encryption_optimistic=false
            suppress_q850_reason_headers=false
            aors=
            identify_by=username,ip
            callerid_privacy=allowed_not_screened
            mwi_subscribe_replaces_unsolicited=no
            cos_audio=0
            follow_early_media_fork=true
            context=default
            rtp_symmetric=false
            transport=
            moh_suggest=default
            t38_udptl=false
            fax_detect=false
            t38_bind_udptl_to_media_address=false
            tos_video=0
            srtp_tag_32=false
            refer_blind_progress=true
            max_audio_streams=1
            bundle=false
            use_avpf=false
            call_group=
            send_connected_line=yes
            fax_detect_timeout=0
            sdp_owner=-
            force_rport=true
            callerid_tag=
            rtp_timeout_hold=0
            suppress_moh_on_sendonly=false
            use_ptime=false
            media_address=
            voicemail_extension=
            rtp_timeout=0
            stir_shaken=no
            set_var=
            contact_acl=
            preferred_codec_only=false
            geoloc_outgoing_call_profile=
            force_avp=false
            record_off_feature=automixmon
            from_user=
            send_diversion=true
            send_history_info=false
            t38_udptl_ipv6=false
            tone_zone=
            language=
            allow_subscribe=true
            rtp_ipv6=false
            callerid=
            moh_passthrough=false
            cos_video=0
            dtls_auto_generate_cert=No
            asymmetric_rtp_codec=false
            geoloc_incoming_call_profile=
            ice_support=false
            aggregate_mwi=true
            one_touch_recording=false
            mwi_from_user=
            redirect_method=user
            accountcode=
            codec_prefs_outgoing_answer=prefer:pending, operation:intersect, keep:all, transcode:allow
            allow=
            rewrite_contact=false
            user_eq_phone=false
            rtp_engine=asterisk
            follow_redirect_methods=
            subscribe_context=
            notify_early_inuse_ringing=false
            incoming_mwi_mailbox=
            incoming_call_offer_pref=local
            allow_unauthenticated_options=false
            auth=
            direct_media_glare_mitigation=none
            trust_id_inbound=false
            stir_shaken_profile=
            bind_rtp_to_media_address=false
            disable_direct_media_on_nat=false
            media_encryption=no
            media_use_received_transport=false
            allow_overlap=true
            dtmf_mode=rfc4733
            outbound_auth=
            tos_audio=0
            dtls_cert_file=
            dtls_ca_path=
            dtls_setup=active
            connected_line_method=invite
            g726_non_standard=false
            100rel=yes
            timers=yes
            direct_media=true
            acl=
            timers_min_se=90
            trust_id_outbound=false
            sub_min_expiry=0
            rtcp_mux=false
            max_video_streams=1
            accept_multiple_sdp_answers=false
            codec_prefs_incoming_offer=prefer:pending, operation:intersect, keep:all, transcode:allow
            codec_prefs_outgoing_offer=prefer:pending, operation:union, keep:all, transcode:allow
            trust_connected_line=yes
            send_pai=false
            rtp_keepalive=0
            t38_udptl_ec=none
            t38_udptl_nat=false
            allow_transfer=true
            dtls_ca_file=
            outbound_proxy=
            inband_progress=false
            """;
    private static final String AOR_DEFAULTS = """
            minimum_expiration=60
            default_expiration=3600
            qualify_timeout=3.000000
            qualify_2xx_only=false
            mailboxes=
            support_path=false
            remove_unavailable=false
            voicemail_extension=
            max_contacts=0
            authenticate_qualify=false
            contact=
            maximum_expiration=7200
            qualify_frequency=0
            remove_existing=false
            outbound_proxy=
            """;
    private static final String AUTH_DEFAULTS = """
            oauth_secret=
            password_digest=
            supported_algorithms_uas=MD5
            refresh_token=
            username=
            md5_cred=
            realm=
            auth_type=userpass
            password=
            supported_algorithms_uac=MD5
            nonce_lifetime=32
            oauth_clientid=
            """;

    private static final Map<String, Map<String, String>> DEFAULTS = Map.of(
            "endpoint", parse(ENDPOINT_DEFAULTS),
            "aor", parse(AOR_DEFAULTS),
            "auth", parse(AUTH_DEFAULTS));

    /** Write-only attributes Asterisk accepts but never lists. */
    private static final Map<String, Set<String>> WRITE_ONLY = Map.of(
            "endpoint", Set.of("disallow"), "aor", Set.of(), "auth", Set.of());

    private static final Set<String> TRUE_WORDS = Set.of("yes", "true", "y", "t", "1", "on");

    private final String user;
    private final String password;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-ari");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private final Map<String, Map<String, String>> memory = new HashMap<>();
    /** The named ACLs each endpoint holds (key as in memory), in the order added. */
    private final Map<String, List<String>> acls = new HashMap<>();
    private final Map<String, Map<String, String>> config = new HashMap<>();
    private final Set<String> poisoned = new HashSet<>();
    private final List<Request> requests = new ArrayList<>();
    private final int port;
    private volatile Duration delay = Duration.ZERO;
    private volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(0);
    private HttpServer server;
    private final java.util.concurrent.atomic.AtomicInteger drops = new java.util.concurrent.atomic.AtomicInteger();

    /** Starts serving at once on 127.0.0.1 with an ephemeral port; accepts only {@code user:password}. */
    public FakeAri(String user, String password) {
        this.user = user;
        this.password = password;
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    /** The base URL a client is configured with, e.g. {@code http://127.0.0.1:41234/ari}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port + "/ari");
    }

    public int port() {
        return port;
    }

    /** Registers an object as if defined in pjsip.conf: readable, but PUT and DELETE answer 403. */
    public void configObject(String type, String id, Map<String, String> fields) {
        synchronized (lock) {
            Map<String, String> attrs = new LinkedHashMap<>(defaults(type));
            fields.forEach((k, v) -> apply(attrs, type, k, v));
            config.put(key(type, id), attrs);
        }
    }

    /** The object's attributes as a GET would answer them (config objects first, like sorcery). */
    /** The named ACLs an endpoint holds, in the order they were added (Asterisk enforces every one). */
    public List<String> acls(String endpointId) {
        synchronized (lock) {
            return List.copyOf(acls.getOrDefault(key("endpoint", endpointId), List.of()));
        }
    }

    public Optional<Map<String, String>> object(String type, String id) {
        synchronized (lock) {
            Map<String, String> o = lookup(key(type, id));
            return o == null ? Optional.empty() : Optional.of(Collections.unmodifiableMap(new LinkedHashMap<>(o)));
        }
    }

    public List<Request> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    public int requestCount() {
        synchronized (lock) {
            return requests.size();
        }
    }

    /** Asterisk restarted: objects pushed over ARI vanish, pjsip.conf objects stay. */
    public void restart() {
        synchronized (lock) {
            memory.clear();
            poisoned.clear();
            acls.clear();
        }
    }

    /** Asterisk is down: the port refuses connections and open connections are closed. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Asterisk is back, on the same port (objects as they were: use {@link #restart()} too for a restart). */
    public synchronized void up() {
        if (server == null) {
            server = bind(port);
        }
    }

    /** Delays every answer from now on by {@code delay} ({@link Duration#ZERO} for none). */
    public void slow(Duration delay) {
        this.delay = delay;
    }

    /**
     * Closes the connection of each of the next {@code n} requests without answering it and without its effect, as
     * a server closes a kept-alive connection the client has just sent on.
     */
    public void dropNext(int n) {
        drops.set(n);
    }

    /** Holds every request from now on, unanswered and without effect, until {@link #release()}. */
    public void hold() {
        held = new java.util.concurrent.CountDownLatch(1);
    }

    /** Lets the held requests (and every later one) through. */
    public void release() {
        held.countDown();
    }

    @Override
    public synchronized void close() {
        down();
        executor.shutdownNow();
    }

    // ---- HTTP

    private HttpServer bind(int wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 50);
                s.createContext("/", this::handle);
                s.setExecutor(executor);
                s.start();
                return s;
            } catch (BindException e) {
                // the old listener's port can linger briefly after down(); the fake must come back on it
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("cannot bind 127.0.0.1:" + wanted, e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException("interrupted while binding", e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (drops.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ex.close(); // no answer sent: the server closes the connection
                return;
            }
            try {
                held.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Duration d = delay;
            if (!d.isZero()) {
                try {
                    Thread.sleep(d.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            String method = ex.getRequestMethod();
            String rawPath = ex.getRequestURI().getRawPath();
            List<String> attributes = new ArrayList<>();
            Answer a = answer(method, rawPath, ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRequestHeaders().getFirst("Content-Type"), body, attributes);
            synchronized (lock) {
                requests.add(new Request(method, rawPath, a.status(), List.copyOf(attributes),
                        ex.getRemoteAddress().getPort()));
            }
            ex.getResponseHeaders().add("Server", "Asterisk/" + VERSION);
            ex.getResponseHeaders().add("Cache-Control", "no-cache, no-store");
            if (a.status() == 401) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Asterisk REST Interface\"");
            }
            if (a.json() == null) {
                ex.sendResponseHeaders(a.status(), -1);
            } else {
                byte[] out = a.json().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-type", "application/json");
                ex.sendResponseHeaders(a.status(), out.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (IOException e) {
            // the client gave up (timeout) and closed the connection: nothing to answer
        } finally {
            ex.close();
        }
    }

    private Answer answer(String method, String rawPath, String authorization, String contentType, byte[] body,
                          List<String> attributes) {
        if (!authorized(authorization)) {
            return error(401, "Authentication required");
        }
        if (!rawPath.startsWith("/ari/")) {
            return error(404, "Resource not found");
        }
        List<String> seg = new ArrayList<>();
        for (String s : rawPath.substring("/ari/".length()).split("/", -1)) {
            seg.add(percentDecode(s));
        }
        if (seg.equals(List.of("asterisk", "info"))) {
            return method.equals("GET") ? new Answer(200, info()) : error(405, "Invalid method");
        }
        if (seg.size() != 6 || !seg.subList(0, 3).equals(List.of("asterisk", "config", "dynamic"))) {
            return error(404, "Resource not found");
        }
        String configClass = seg.get(3);
        String type = seg.get(4);
        String id = seg.get(5);
        switch (method) {
            case "GET":
                return get(configClass, type, id);
            case "PUT":
                return put(configClass, type, id, contentType, body, attributes);
            case "DELETE":
                return delete(configClass, type, id);
            default:
                return error(405, "Invalid method");
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return false;
        }
        String expected = Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return header.substring("Basic ".length()).trim().equals(expected);
    }

    private static Answer classAndType(String configClass, String type) {
        if (!configClass.equals("res_pjsip")) {
            return error(404, "configClass '" + configClass + "' not found");
        }
        if (!DEFAULTS.containsKey(type)) {
            return error(404, "objectType '" + type + "' not found");
        }
        return null;
    }

    private Answer get(String configClass, String type, String id) {
        Answer bad = classAndType(configClass, type);
        if (bad != null) {
            return bad;
        }
        synchronized (lock) {
            Map<String, String> o = lookup(key(type, id));
            return o == null ? error(404, "Object with id '" + id + "' not found") : new Answer(200, attributeList(o));
        }
    }

    private Answer put(String configClass, String type, String id, String contentType, byte[] body,
                       List<String> attributes) {
        JsonNode root = null;
        // Asterisk reads the body only when it is declared JSON; otherwise the fields are simply absent
        if (contentType != null && contentType.toLowerCase().startsWith("application/json") && body.length > 0) {
            try {
                root = JSON.readTree(body);
            } catch (IOException e) {
                return error(400, "Error parsing request body");
            }
        }
        Answer bad = classAndType(configClass, type);
        if (bad != null) {
            return bad;
        }
        JsonNode fields = root == null ? null : root.get("fields");
        if (fields != null && fields.isArray()) {
            fields.forEach(f -> attributes.add(f.path("attribute").asText("")));
        }
        synchronized (lock) {
            String key = key(type, id);
            Map<String, String> existing = lookup(key);
            if (fields == null || !fields.isArray() || fields.isEmpty()) {
                return error(400, "Fields must be provided to update object '" + id + "'");
            }
            if (poisoned.contains(key)) {
                // what Asterisk 22 answers once an endpoint carries set_var: it cannot copy the object
                return new Answer(500, "{\"error\":\"Allocation failed\"}");
            }
            boolean created = existing == null;
            Map<String, String> copy = new LinkedHashMap<>(created ? defaults(type) : existing);
            boolean setVar = false;
            for (JsonNode f : fields) {
                JsonNode name = f.get("attribute");
                JsonNode value = f.get("value");
                if (name != null && type.equals("endpoint") && name.asText().equals("acl") && value != null
                        && acls.getOrDefault(key, List.of()).contains(value.asText())) {
                    // Asterisk 22 adds each acl of an update to the endpoint's list: the same name twice fails
                    return error(400, "Update of object '" + id + "' failed field value validation");
                }
                if (name == null || !name.isTextual() || value == null || !value.isTextual()
                        || !apply(copy, type, name.asText(), value.asText())) {
                    return error(400, (created ? "Creation" : "Update") + " of object '" + id
                            + "' failed field value validation");
                }
                setVar |= name.asText().equals("set_var");
            }
            if (config.containsKey(key)) {
                return error(403, "Cannot update sorcery objects of type '" + type + "'");
            }
            for (JsonNode f : fields) {
                if (type.equals("endpoint") && f.path("attribute").asText().equals("acl")) {
                    // appended, not replaced; a GET reads back the first one
                    List<String> list = new ArrayList<>(created ? List.of() : acls.getOrDefault(key, List.of()));
                    list.add(f.path("value").asText());
                    acls.put(key, list);
                    copy.put("acl", list.get(0));
                }
            }
            if (created) {
                acls.remove(key);
                List<String> fresh = new ArrayList<>();
                fields.forEach(f -> {
                    if (type.equals("endpoint") && f.path("attribute").asText().equals("acl")) {
                        fresh.add(f.path("value").asText());
                    }
                });
                if (!fresh.isEmpty()) {
                    acls.put(key, fresh);
                }
            }
            memory.put(key, copy);
            if (setVar) {
                poisoned.add(key);
            }
            return new Answer(200, attributeList(copy));
        }
    }

    private Answer delete(String configClass, String type, String id) {
        Answer bad = classAndType(configClass, type);
        if (bad != null) {
            return bad;
        }
        synchronized (lock) {
            String key = key(type, id);
            if (config.containsKey(key)) {
                return error(403, "Could not delete object with id '" + id + "'");
            }
            if (memory.remove(key) == null) {
                return error(404, "Object with id '" + id + "' not found");
            }
            acls.remove(key);
            poisoned.remove(key);
            return new Answer(204, null);
        }
    }

    // ---- sorcery-ish object model

    /** Applies one field like sorcery's object set does; false when the attribute is unknown or malformed. */
    private static boolean apply(Map<String, String> attrs, String type, String name, String value) {
        Map<String, String> defaults = defaults(type);
        if (type.equals("endpoint") && name.equals("set_var")) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                return false;
            }
            // ARI then lists each variable as an attribute of its own, and no longer lists set_var
            attrs.remove("set_var");
            attrs.put(value.substring(0, eq), value.substring(eq + 1));
            return true;
        }
        if (type.equals("endpoint") && name.equals("allow")) {
            Set<String> codecs = codecs(attrs.get("allow"));
            for (String c : value.split(",")) {
                if (!c.isBlank()) {
                    codecs.add(c.trim());
                }
            }
            attrs.put("allow", "(" + String.join("|", codecs) + ")");
            return true;
        }
        if (type.equals("endpoint") && name.equals("disallow")) {
            Set<String> codecs = codecs(attrs.get("allow"));
            for (String c : value.split(",")) {
                if (c.trim().equals("all")) {
                    codecs.clear();
                } else {
                    codecs.remove(c.trim());
                }
            }
            attrs.put("allow", codecs.isEmpty() ? "" : "(" + String.join("|", codecs) + ")");
            return true;
        }
        if (WRITE_ONLY.get(type).contains(name)) {
            return true;
        }
        if (!defaults.containsKey(name)) {
            return false;
        }
        String d = defaults.get(name);
        if (d.equals("true") || d.equals("false")) {
            // Asterisk's boolean parser: anything it does not recognise as true is false (even "maybe")
            attrs.put(name, TRUE_WORDS.contains(value.trim().toLowerCase()) ? "true" : "false");
        } else {
            attrs.put(name, value);
        }
        return true;
    }

    private static Set<String> codecs(String allow) {
        Set<String> codecs = new LinkedHashSet<>();
        if (allow != null && allow.startsWith("(") && allow.endsWith(")") && allow.length() > 2) {
            codecs.addAll(List.of(allow.substring(1, allow.length() - 1).split("\\|")));
        }
        return codecs;
    }

    private Map<String, String> lookup(String key) {
        Map<String, String> c = config.get(key);
        return c != null ? c : memory.get(key);
    }

    private static Map<String, String> defaults(String type) {
        Map<String, String> d = DEFAULTS.get(type);
        if (d == null) {
            throw new IllegalArgumentException("unknown PJSIP object type " + type);
        }
        return d;
    }

    private static String key(String type, String id) {
        return type + "/" + id;
    }

    private static String attributeList(Map<String, String> attrs) {
        ArrayNode list = JSON.createArrayNode();
        attrs.forEach((k, v) -> list.addObject().put("attribute", k).put("value", v));
        return write(list);
    }

    private static String info() {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("build").put("os", "Linux").put("kernel", "6.18.44-fc-v595").put("machine", "x86_64")
                .put("options", "OPTIONAL_API").put("date", "2026-11-22 10:51:35 UTC").put("user", "root");
        root.putObject("system").put("version", VERSION).put("entity_id", "02:fc:00:00:00:01");
        ObjectNode cfg = root.putObject("config").put("name", "").put("default_language", "en");
        cfg.putObject("setid").put("user", "root").put("group", "root");
        root.putObject("status").put("startup_time", "2026-11-22T10:57:47.696+0000")
                .put("last_reload_time", "2026-11-22T10:57:47.696+0000");
        return write(root);
    }

    private static Answer error(int status, String message) {
        return new Answer(status, write(JSON.createObjectNode().put("message", message)));
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> parse(String table) {
        Map<String, String> m = new LinkedHashMap<>();
        table.lines().forEach(line -> {
            int eq = line.indexOf('=');
            m.put(line.substring(0, eq), line.substring(eq + 1));
        });
        return Collections.unmodifiableMap(m);
    }

    private static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
