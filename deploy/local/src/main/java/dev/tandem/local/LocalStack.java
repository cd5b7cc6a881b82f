package dev.tandem.local;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tandem.infra.EmbeddedKafka;
import dev.tandem.infra.EmbeddedPostgresServer;

/**
 * The whole Tandem stack on one machine, without Docker: PostgreSQL and Kafka in this JVM, the real
 * Keycloak server, invite-service, session-service, masking-config-service and relay-gateway as their
 * packaged jars in child processes, and the Harbour demo site with its stand-in chat platform.
 *
 * <pre>
 * try (LocalStack stack = LocalStack.start(new LocalStack.Options(repoRoot, stateDir, 20000, true))) {
 *     URI site = stack.demoSite();
 * }
 * </pre>
 *
 * {@link #start} returns when every piece answers its readiness check and throws with the reason
 * (and the end of the failing piece's log) otherwise, after stopping what it had started.
 * {@link #close} stops everything, children first; a JVM shutdown hook does the same if the JVM is
 * stopped before {@code close} (Ctrl-C).
 */
public final class LocalStack implements AutoCloseable {

    /**
     * @param repoRoot   the repository (the services' jars are read from {@code <module>/target/quarkus-app})
     * @param stateDir   where Kafka, PostgreSQL and Keycloak keep their data, and {@code logs/}
     * @param basePort   0 for the standard ports (8081…8084, 8090, 8180, PostgreSQL 5433, Kafka 9092);
     *                   N for N+81…N+84, N+90, N+180, N+33, N+92
     * @param freshState forget the data of earlier runs in {@code stateDir}
     */
    public record Options(Path repoRoot, Path stateDir, int basePort, boolean freshState) {
        public Options {
            Objects.requireNonNull(repoRoot, "repoRoot");
            Objects.requireNonNull(stateDir, "stateDir");
        }
    }

    static final String POSTGRES = "postgres";
    static final String KAFKA = "kafka";
    static final String KEYCLOAK = "keycloak";
    static final String INVITE_SERVICE = "invite-service";
    static final String SESSION_SERVICE = "session-service";
    static final String CONFIG_SERVICE = "masking-config-service";
    static final String RELAY_GATEWAY = "relay-gateway";
    /** A second relay-gateway process, started only on demand ({@link #startGatewayReplica}). */
    static final String RELAY_GATEWAY_REPLICA = "relay-gateway-2";
    static final String DEMO_SITE = "demo-site";
    static final List<String> SERVICES = List.of(SESSION_SERVICE, CONFIG_SERVICE, INVITE_SERVICE, RELAY_GATEWAY);
    static final List<String> NAMES = List.of(POSTGRES, KAFKA, KEYCLOAK, SESSION_SERVICE, CONFIG_SERVICE,
            INVITE_SERVICE, RELAY_GATEWAY, DEMO_SITE, RELAY_GATEWAY_REPLICA);

    static final String REALM = "tandem";
    static final String CHAT_PLATFORM_CLIENT = "demo-chat-platform";
    /** The demo chat platform's client secret: a local-demo value, public in this repository. */
    static final String CHAT_PLATFORM_SECRET = "local-demo-secret";
    static final String KEYCLOAK_ADMIN = "admin";
    static final String KEYCLOAK_ADMIN_PASSWORD = "admin";

    private static final System.Logger LOG = System.getLogger(LocalStack.class.getName());
    private static final Duration KEYCLOAK_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration SERVICE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Options options;
    private final Path repoRoot;
    private final Ports ports;
    private final StateDir state;
    /** The gateways' shared relay secret: random per stack, so every gateway it starts can read the others' frames. */
    private final String relaySecret = randomSecret();
    private final Path javaHome;
    private final Object lock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final Map<String, ChildProcess> children = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Duration> startTimes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Thread shutdownHook;
    private InJvmLogs inJvmLogs;
    private EmbeddedPostgresServer postgres;
    private EmbeddedKafka kafka;
    private DemoServer demo;

    LocalStack(Options options) {
        this.options = options;
        this.repoRoot = options.repoRoot().toAbsolutePath().normalize();
        this.ports = Ports.of(options.basePort());
        this.state = new StateDir(options.stateDir().toAbsolutePath().normalize());
        this.javaHome = Path.of(System.getProperty("java.home"));
        this.shutdownHook = new Thread(this::close, "tandem-local-stop");
    }

    /** Starts every piece and waits until all are ready; see the class comment. */
    public static LocalStack start(Options options) {
        LocalStack stack = new LocalStack(options);
        stack.startAll();
        return stack;
    }

    // ---- addresses ----------------------------------------------------------------------------

    public URI inviteService() {
        return local(ports.invite());
    }

    public URI sessionService() {
        return local(ports.session());
    }

    public URI configService() {
        return local(ports.config());
    }

    public URI gateway() {
        return local(ports.gateway());
    }

    /**
     * The extra gateway replica's address (port 8184, or N+184), whether it runs or not: see
     * {@link #startGatewayReplica}.
     */
    public URI gatewayReplica() {
        return local(ports.gatewayReplica());
    }

    public URI demoSite() {
        return local(ports.demo());
    }

    public URI keycloak() {
        return local(ports.keycloak());
    }

    public String kafkaBootstrapServers() {
        return "127.0.0.1:" + ports.kafka();
    }

    public String postgresJdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/" + database;
    }

    /** One log file per piece: {@code <name>.log} (Keycloak and the services; Kafka and PostgreSQL when bound). */
    public Path logDir() {
        return state.logs();
    }

    /** How long each piece took to become ready in {@link #start} (for the launcher's summary). */
    Map<String, Duration> startTimes() {
        synchronized (startTimes) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(startTimes));
        }
    }

    /** Browsers and services reach every piece as localhost: the origins in Keycloak and CORS say so. */
    private static URI local(int port) {
        return URI.create("http://localhost:" + port);
    }

    private String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    // ---- start --------------------------------------------------------------------------------

    void startAll() {
        long begin = System.nanoTime();
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            checkJava();
            Path keycloakDist = KeycloakHome.distribution(repoRoot);
            for (String service : SERVICES) {
                serviceJar(service);
            }
            checkPortsFree();
            if (options.freshState()) {
                state.reset();
            }
            String realm = RealmTemplate.render(origin(gateway()), origin(demoSite()), origin(configService()));
            if (state.claim(options.basePort(), realm)) {
                LOG.log(Level.INFO, "The realm changed since Keycloak imported it: the Keycloak database in {0} was "
                        + "emptied and the realm is imported again", state.keycloak().resolve("data"));
            }
            Files.createDirectories(state.logs());
            inJvmLogs = InJvmLogs.attach(state.logs());

            // Keycloak needs neither PostgreSQL nor Kafka: its JVM starts while they start in this one.
            ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "tandem-local-start"));
            try {
                timed(KEYCLOAK + " (copy)", () -> KeycloakHome.prepare(keycloakDist, state.keycloak()));
                KeycloakHome.writeRealm(state.keycloak(), realm);
                long keycloakBegin = System.nanoTime();
                ChildProcess keycloak = spawn(keycloakProcess());
                CompletableFuture<Void> pg = CompletableFuture.runAsync(() -> timed(POSTGRES, this::startPostgres), pool);
                CompletableFuture<Void> broker = CompletableFuture.runAsync(() -> timed(KAFKA, this::startKafka), pool);
                join(pg, broker);
                Readiness.await(KEYCLOAK, keycloakReadiness(), KEYCLOAK_TIMEOUT, keycloak);
                note(KEYCLOAK, System.nanoTime() - keycloakBegin);
                KeycloakHome.rememberPrepared(keycloakDist, state.keycloak());

                // Two at a time: the machine this was made on has two cores.
                startServices(pool, SESSION_SERVICE, CONFIG_SERVICE);
                timed("demo site config", () -> DemoSiteSeed.ensure(configService(), tokenEndpoint(),
                        DemoServer.SITE_ID, origin(demoSite())));
                startServices(pool, INVITE_SERVICE, RELAY_GATEWAY);
                timed("demo site known to invite-service", () -> DemoSiteSeed.awaitKnownByInvites(inviteService(),
                        tokenEndpoint(), CHAT_PLATFORM_CLIENT, CHAT_PLATFORM_SECRET, DemoServer.SITE_ID,
                        SERVICE_TIMEOUT));
            } finally {
                pool.shutdownNow();
            }
            timed(DEMO_SITE, this::startDemo);
            note("total", System.nanoTime() - begin);
            LOG.log(Level.INFO, "Tandem local stack ready in {0} s",
                    String.valueOf(Duration.ofNanos(System.nanoTime() - begin).toSeconds()));
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        } catch (IOException e) {
            close();
            throw new IllegalStateException("could not prepare " + state.root() + ": " + e.getMessage(), e);
        }
    }

    private void startServices(ExecutorService pool, String... names) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String name : names) {
            all.add(CompletableFuture.runAsync(() -> startService(name), pool));
        }
        join(all.toArray(CompletableFuture[]::new));
    }

    private static void join(CompletableFuture<?>... futures) {
        try {
            CompletableFuture.allOf(futures).join();
        } catch (CompletionException e) {
            // The first failure in start order is the clearest one to report.
            for (CompletableFuture<?> f : futures) {
                if (f.isCompletedExceptionally()) {
                    Throwable cause = f.handle((v, t) -> t).join();
                    while (cause instanceof CompletionException && cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
            throw e;
        }
    }

    private void checkJava() {
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("Keycloak and the services need Java 21 or later; this is Java "
                    + Runtime.version() + " (" + javaHome + ")");
        }
    }

    private void checkPortsFree() {
        for (Map.Entry<String, Integer> e : ports.byPiece().entrySet()) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), e.getValue()));
            } catch (IOException taken) {
                throw new PortInUseException(e.getValue(), e.getKey());
            }
        }
    }

    private Path serviceJar(String service) {
        Path jar = repoRoot.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(service + " is not built: " + jar + " is missing. Build it from "
                    + repoRoot + " with: ./mvnw -B -DskipTests -f " + service + "/pom.xml package");
        }
        return jar;
    }

    private void startPostgres() {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(state.postgres(), ports.postgres());
        try {
            for (String db : List.of("invites", "sessions", "siteconfig")) {
                server.ensureDatabase(db);
            }
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        synchronized (lock) {
            postgres = server;
            if (closed.get()) {
                postgres = null;
                server.close();
                throw new IllegalStateException("the stack was closed while PostgreSQL started");
            }
        }
    }

    private void startKafka() {
        EmbeddedKafka broker = EmbeddedKafka.start(state.kafka(), ports.kafka(), false);
        synchronized (lock) {
            kafka = broker;
            if (closed.get()) {
                kafka = null;
                broker.close();
                throw new IllegalStateException("the stack was closed while Kafka started");
            }
        }
    }

    private void startDemo() {
        ChatPlatformClient.Settings platform = new ChatPlatformClient.Settings(tokenEndpoint(), CHAT_PLATFORM_CLIENT,
                CHAT_PLATFORM_SECRET, inviteService(), DemoServer.SITE_ID);
        DemoServer.Endpoints endpoints = new DemoServer.Endpoints(inviteService(), sessionService(), configService(),
                gateway());
        DemoServer server = DemoServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.demo()),
                endpoints, platform);
        synchronized (lock) {
            demo = server;
            if (closed.get()) {
                demo = null;
                server.close();
                throw new IllegalStateException("the stack was closed while the demo site started");
            }
        }
    }

    private ChildProcess spawn(ChildProcess child) {
        synchronized (lock) {
            if (closed.get()) {
                throw new IllegalStateException("the stack was closed while it started");
            }
            children.put(child.name(), child);
            child.start();
        }
        return child;
    }

    private void timed(String name, Runnable step) {
        long begin = System.nanoTime();
        step.run();
        note(name, System.nanoTime() - begin);
    }

    private void note(String name, long nanos) {
        Duration took = Duration.ofNanos(nanos);
        startTimes.put(name, took);
        LOG.log(Level.INFO, "{0} ready in {1} ms", name, String.valueOf(took.toMillis()));
    }

    // ---- the child processes ------------------------------------------------------------------

    private ChildProcess keycloakProcess() {
        Path home = state.keycloak();
        int port = ports.keycloak();
        List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--hostname=" + origin(keycloak()),
                "--import-realm");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", javaHome.toString());
        // The master realm's admin, for the admin console: local-demo values.
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", KEYCLOAK_ADMIN);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", KEYCLOAK_ADMIN_PASSWORD);
        return new ChildProcess(KEYCLOAK, command, env, home, state.logs().resolve(KEYCLOAK + ".log"));
    }

    private URI tokenEndpoint() {
        return keycloak().resolve("/realms/" + REALM + "/protocol/openid-connect/token");
    }

    private URI keycloakReadiness() {
        return keycloak().resolve("/realms/" + REALM + "/.well-known/openid-configuration");
    }

    private ChildProcess serviceProcess(String service) {
        Path jar = serviceJar(RELAY_GATEWAY_REPLICA.equals(service) ? RELAY_GATEWAY : service);
        List<String> command = List.of(javaHome.resolve("bin/java").toString(),
                "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString());
        return new ChildProcess(service, command, serviceEnvironment(service), state.work(service),
                state.logs().resolve(service + ".log"));
    }

    /**
     * The settings of each service, as environment variables (the services run in their prod profile,
     * as in production). The generic Quarkus names win over application.properties; the service's own
     * names (read by its %prod settings) are set too, so that none is left unresolved.
     */
    Map<String, String> serviceEnvironment(String service) {
        String oidc = origin(keycloak()) + "/realms/" + REALM;
        String origins = origin(demoSite()) + "," + origin(gateway());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", javaHome.toString());
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers());
        env.put("QUARKUS_OIDC_AUTH_SERVER_URL", oidc);
        env.put("QUARKUS_HTTP_CORS_ORIGINS", origins);
        switch (service) {
            case INVITE_SERVICE -> {
                env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.invite()));
                database(env, "invites", "TANDEM_");
                env.put("TANDEM_OIDC_URL", oidc);
                env.put("TANDEM_CORS_ORIGINS", origins);
            }
            case SESSION_SERVICE -> {
                env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.session()));
                database(env, "sessions", "SESSION_");
                env.put("OIDC_AUTH_SERVER_URL", oidc);
                env.put("TANDEM_CORS_ORIGINS", origins);
            }
            case CONFIG_SERVICE -> {
                // The demo site's configuration is saved through the admin API (DemoSiteSeed), not by Flyway.
                env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.config()));
                database(env, "siteconfig", "");
                env.put("TANDEM_ADMIN_PAGE_KEYCLOAK_URL", origin(keycloak()));
                // The demo site is on localhost: let the admin page's preview load its pages.
                env.put("TANDEM_ADMIN_PAGE_PREVIEW_PRIVATE_ADDRESSES", "true");
            }
            case RELAY_GATEWAY, RELAY_GATEWAY_REPLICA -> {
                // The replica differs only in its port (and the address its own console page would use).
                URI self = RELAY_GATEWAY.equals(service) ? gateway() : gatewayReplica();
                env.put("QUARKUS_HTTP_PORT", String.valueOf(self.getPort()));
                env.put("TANDEM_GATEWAY_JWKS_URL", origin(sessionService()) + "/.well-known/jwks.json");
                env.put("TANDEM_GATEWAY_CONSOLE_KEYCLOAK_URL", origin(keycloak()));
                env.put("TANDEM_GATEWAY_CONSOLE_SESSIONS_API", origin(sessionService()));
                env.put("TANDEM_GATEWAY_CONSOLE_INVITES_API", origin(inviteService()));
                env.put("TANDEM_GATEWAY_CONSOLE_PUBLIC_URL", DemoServer.webSocketOrigin(self));
                env.put("TANDEM_GATEWAY_ALLOWED_ORIGINS", origins);
                env.put("TANDEM_GATEWAY_CONSOLE_ORIGINS", origin(gateway()));
                env.put("TANDEM_GATEWAY_RELAY_SECRET", relaySecret);
            }
            default -> throw new IllegalArgumentException("not a service: " + service);
        }
        return env;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private void database(Map<String, String> env, String database, String prefix) {
        String reactive = "postgresql://127.0.0.1:" + ports.postgres() + "/" + database;
        String jdbc = postgresJdbcUrl(database);
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", reactive);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbc);
        env.put("QUARKUS_DATASOURCE_USERNAME", EmbeddedPostgresServer.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", EmbeddedPostgresServer.PASSWORD);
        env.put(prefix + "DB_USER", EmbeddedPostgresServer.USER);
        env.put(prefix + "DB_PASSWORD", EmbeddedPostgresServer.PASSWORD);
        if (!prefix.isEmpty()) {
            env.put(prefix + "DB_REACTIVE_URL", reactive);
            env.put(prefix + "DB_JDBC_URL", jdbc);
        }
    }

    // ---- one piece at a time (fault tests) ----------------------------------------------------

    /**
     * Starts a second relay-gateway process ({@code relay-gateway-2}) next to the first and waits until it is
     * ready; returns its address ({@link #gatewayReplica()}). It runs the same jar with the same settings
     * and the same relay secret (so the two read each other's frames on {@code tandem.relay}), on its own
     * port, with a consumer identity of its own (every gateway process joins its own consumer groups and
     * has its own replica id). Does nothing but return the address when it already runs. Stop it with
     * {@code stopService("relay-gateway-2")} (graceful: its sockets close with 1001) or
     * {@code killService("relay-gateway-2")} (a crash); {@link #close} stops it too.
     */
    public URI startGatewayReplica() {
        ChildProcess child = children.get(RELAY_GATEWAY_REPLICA);
        if (child == null || !child.isAlive()) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.gatewayReplica()));
            } catch (IOException taken) {
                throw new PortInUseException(ports.gatewayReplica(), RELAY_GATEWAY_REPLICA);
            }
        }
        startService(RELAY_GATEWAY_REPLICA);
        return gatewayReplica();
    }

    /**
     * Ends one child process at once with SIGKILL, as a crash would (no graceful shutdown: a gateway's
     * clients see their sockets drop, 1006, instead of a 1001): a service, {@code relay-gateway-2} or
     * {@code keycloak}. {@link #startService} starts it again.
     */
    public void killService(String name) {
        requireName(name);
        if (List.of(POSTGRES, KAFKA, DEMO_SITE).contains(name)) {
            throw new IllegalArgumentException(name + " runs in this JVM and cannot be killed; use stopService");
        }
        ChildProcess child = children.get(name);
        if (child != null) {
            child.kill();
        }
    }

    /**
     * Stops one piece and waits until it is gone: {@code invite-service}, {@code session-service},
     * {@code masking-config-service}, {@code relay-gateway}, {@code relay-gateway-2}, {@code keycloak},
     * {@code kafka}, {@code postgres} or {@code demo-site}. Child processes get SIGTERM (a gateway closes its
     * sockets with 1001), then SIGKILL after 20 s.
     */
    public void stopService(String name) {
        requireName(name);
        switch (name) {
            case POSTGRES -> {
                EmbeddedPostgresServer server;
                synchronized (lock) {
                    server = postgres;
                    postgres = null;
                }
                if (server != null) {
                    server.close();
                }
            }
            case KAFKA -> {
                EmbeddedKafka broker;
                synchronized (lock) {
                    broker = kafka;
                    kafka = null;
                }
                if (broker != null) {
                    broker.close();
                }
            }
            case DEMO_SITE -> {
                DemoServer server;
                synchronized (lock) {
                    server = demo;
                    demo = null;
                }
                if (server != null) {
                    server.close();
                }
            }
            default -> {
                ChildProcess child = children.get(name);
                if (child != null) {
                    child.stop(STOP_GRACE);
                }
            }
        }
    }

    /** Starts a piece stopped by {@link #stopService} again (same ports, same state) and waits until it is ready. */
    public void startService(String name) {
        requireName(name);
        if (closed.get()) {
            throw new IllegalStateException("the stack is closed");
        }
        switch (name) {
            case POSTGRES -> {
                if (postgres == null) {
                    startPostgres();
                }
            }
            case KAFKA -> {
                if (kafka == null) {
                    startKafka();
                }
            }
            case DEMO_SITE -> {
                if (demo == null) {
                    startDemo();
                }
            }
            case KEYCLOAK -> {
                ChildProcess keycloak = children.get(KEYCLOAK);
                if (keycloak == null || !keycloak.isAlive()) {
                    long begin = System.nanoTime();
                    keycloak = spawn(keycloakProcess());
                    Readiness.await(KEYCLOAK, keycloakReadiness(), KEYCLOAK_TIMEOUT, keycloak);
                    note(KEYCLOAK, System.nanoTime() - begin);
                }
            }
            default -> {
                ChildProcess child = children.get(name);
                if (child == null || !child.isAlive()) {
                    long begin = System.nanoTime();
                    child = spawn(serviceProcess(name));
                    Readiness.await(name, local(portOf(name)).resolve("/q/health/ready"), SERVICE_TIMEOUT, child);
                    note(name, System.nanoTime() - begin);
                }
            }
        }
    }

    private int portOf(String service) {
        return switch (service) {
            case INVITE_SERVICE -> ports.invite();
            case SESSION_SERVICE -> ports.session();
            case CONFIG_SERVICE -> ports.config();
            case RELAY_GATEWAY -> ports.gateway();
            case RELAY_GATEWAY_REPLICA -> ports.gatewayReplica();
            default -> throw new IllegalArgumentException("not a service: " + service);
        };
    }

    private static void requireName(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown piece " + name + "; one of " + NAMES);
        }
    }

    // ---- stop ---------------------------------------------------------------------------------

    /** Stops everything this stack started, children first, and waits until no process of it is left. */
    @Override
    public void close() {
        boolean first;
        synchronized (lock) {
            // Under the lock: nothing starts after this (spawn and the start methods check `closed` under it).
            first = closed.compareAndSet(false, true);
        }
        if (!first) {
            awaitClosed();
            return;
        }
        boolean interrupted = false;
        try {
            quietly(DEMO_SITE, () -> stopService(DEMO_SITE));
            List<ChildProcess> services = new ArrayList<>();
            synchronized (children) {
                for (String name : List.of(RELAY_GATEWAY_REPLICA, RELAY_GATEWAY, INVITE_SERVICE, CONFIG_SERVICE,
                        SESSION_SERVICE)) {
                    if (children.containsKey(name)) {
                        services.add(children.get(name));
                    }
                }
            }
            List<Thread> stoppers = new ArrayList<>();
            for (ChildProcess service : services) {
                stoppers.add(Thread.ofPlatform().name("tandem-local-stop-" + service.name())
                        .start(() -> quietly(service.name(), () -> service.stop(STOP_GRACE))));
            }
            for (Thread t : stoppers) {
                // Even when interrupted (a test's timeout), stop everything before giving up the thread.
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            ChildProcess keycloak = children.get(KEYCLOAK);
            if (keycloak != null) {
                quietly(KEYCLOAK, () -> keycloak.stop(STOP_GRACE));
            }
            quietly(KAFKA, () -> stopService(KAFKA));
            quietly(POSTGRES, () -> stopService(POSTGRES));
            if (inJvmLogs != null) {
                inJvmLogs.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the JVM is shutting down (this may be the hook) or the hook was never added
            }
        } finally {
            closedLatch.countDown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Blocks until {@link #close} has finished (for the launcher's main thread). */
    void awaitClosed() {
        try {
            closedLatch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void quietly(String name, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stopping {0} failed: {1}", name, e.toString());
        }
    }
}
