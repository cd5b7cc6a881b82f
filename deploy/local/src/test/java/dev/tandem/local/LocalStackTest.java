package dev.tandem.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the launcher decides before it starts anything. The whole stack is started by the e2e module only. */
class LocalStackTest {

    @TempDir
    Path temp;

    @Test
    void theStandardPortsAndTheShiftedOnes() {
        assertEquals(new Ports(8081, 8082, 8083, 8084, 8090, 8180, 5433, 9092), Ports.of(0));
        assertEquals(new Ports(20081, 20082, 20083, 20084, 20090, 20180, 20033, 20092), Ports.of(20000));
        assertThrows(IllegalArgumentException.class, () -> Ports.of(80));
        assertThrows(IllegalArgumentException.class, () -> Ports.of(65500));

        LocalStack stack = new LocalStack(new LocalStack.Options(temp, temp.resolve("state"), 20000, false));
        assertEquals(URI.create("http://localhost:20081"), stack.inviteService());
        assertEquals(URI.create("http://localhost:20082"), stack.sessionService());
        assertEquals(URI.create("http://localhost:20083"), stack.configService());
        assertEquals(URI.create("http://localhost:20084"), stack.gateway());
        assertEquals(URI.create("http://localhost:20090"), stack.demoSite());
        assertEquals(URI.create("http://localhost:20180"), stack.keycloak());
        assertEquals("127.0.0.1:20092", stack.kafkaBootstrapServers());
        assertEquals("jdbc:postgresql://127.0.0.1:20033/sessions", stack.postgresJdbcUrl("sessions"));
        assertEquals(temp.resolve("state/logs").toAbsolutePath(), stack.logDir());
    }

    @Test
    void eachServiceIsConfiguredForThisStacksPortsThroughItsEnvironment() {
        LocalStack stack = new LocalStack(new LocalStack.Options(temp, temp.resolve("state"), 20000, false));

        Map<String, String> config = stack.serviceEnvironment("masking-config-service");
        assertEquals("20083", config.get("QUARKUS_HTTP_PORT"));
        assertEquals("jdbc:postgresql://127.0.0.1:20033/siteconfig", config.get("QUARKUS_DATASOURCE_JDBC_URL"));
        assertEquals("postgresql://127.0.0.1:20033/siteconfig", config.get("QUARKUS_DATASOURCE_REACTIVE_URL"));
        assertEquals("http://localhost:20180/realms/tandem", config.get("QUARKUS_OIDC_AUTH_SERVER_URL"));
        assertEquals("http://localhost:20090,http://localhost:20084", config.get("QUARKUS_HTTP_CORS_ORIGINS"));
        assertEquals("127.0.0.1:20092", config.get("KAFKA_BOOTSTRAP_SERVERS"));

        Map<String, String> invites = stack.serviceEnvironment("invite-service");
        assertEquals("jdbc:postgresql://127.0.0.1:20033/invites", invites.get("QUARKUS_DATASOURCE_JDBC_URL"));
        assertEquals("20081", invites.get("QUARKUS_HTTP_PORT"));

        Map<String, String> gateway = stack.serviceEnvironment("relay-gateway");
        assertEquals("20084", gateway.get("QUARKUS_HTTP_PORT"));
        assertEquals("http://localhost:20082/.well-known/jwks.json", gateway.get("TANDEM_GATEWAY_JWKS_URL"));
        assertEquals("http://localhost:20180", gateway.get("TANDEM_GATEWAY_CONSOLE_KEYCLOAK_URL"));
        assertEquals("http://localhost:20082", gateway.get("TANDEM_GATEWAY_CONSOLE_SESSIONS_API"));
        assertEquals("http://localhost:20081", gateway.get("TANDEM_GATEWAY_CONSOLE_INVITES_API"));
        assertEquals("ws://localhost:20084", gateway.get("TANDEM_GATEWAY_CONSOLE_PUBLIC_URL"));
        assertEquals("http://localhost:20090,http://localhost:20084", gateway.get("TANDEM_GATEWAY_ALLOWED_ORIGINS"));
        assertFalse(gateway.containsKey("QUARKUS_DATASOURCE_JDBC_URL"), "the gateway has no database");
    }

    @Test
    void theExtraGatewayReplicaIsTheSameGatewayOnItsOwnPortWithTheSameRelaySecret() {
        LocalStack stack = new LocalStack(new LocalStack.Options(temp, temp.resolve("state"), 20000, false));
        assertEquals(URI.create("http://localhost:20184"), stack.gatewayReplica());
        assertEquals(URI.create("http://localhost:8184"),
                new LocalStack(new LocalStack.Options(temp, temp.resolve("state"), 0, false)).gatewayReplica());

        Map<String, String> first = stack.serviceEnvironment("relay-gateway");
        Map<String, String> second = stack.serviceEnvironment("relay-gateway-2");
        assertEquals("20184", second.get("QUARKUS_HTTP_PORT"));
        assertEquals("ws://localhost:20184", second.get("TANDEM_GATEWAY_CONSOLE_PUBLIC_URL"));
        assertTrue(first.get("TANDEM_GATEWAY_RELAY_SECRET").length() >= 32);
        assertEquals(first.get("TANDEM_GATEWAY_RELAY_SECRET"), second.get("TANDEM_GATEWAY_RELAY_SECRET"),
                "replicas that cannot open each other's relay frames");
        for (String same : java.util.List.of("TANDEM_GATEWAY_JWKS_URL", "TANDEM_GATEWAY_ALLOWED_ORIGINS",
                "TANDEM_GATEWAY_CONSOLE_ORIGINS", "KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_OIDC_AUTH_SERVER_URL")) {
            assertEquals(first.get(same), second.get(same), same);
        }
        assertFalse(new LocalStack(new LocalStack.Options(temp, temp.resolve("other"), 20000, false))
                .serviceEnvironment("relay-gateway").get("TANDEM_GATEWAY_RELAY_SECRET")
                .equals(first.get("TANDEM_GATEWAY_RELAY_SECRET")), "the secret is per stack, not a constant");
    }

    @Test
    void onlyChildProcessesCanBeKilledAndUnknownNamesAreRefused() {
        LocalStack stack = new LocalStack(new LocalStack.Options(temp, temp.resolve("state"), 20000, false));
        assertThrows(IllegalArgumentException.class, () -> stack.killService("kafka"));
        assertThrows(IllegalArgumentException.class, () -> stack.killService("relay-gateway-3"));
        stack.killService("relay-gateway-2"); // not running: nothing to do
    }

    @Test
    void aMissingServiceJarIsNamedWithTheCommandThatBuildsItAndNothingStarts() throws IOException {
        fakeKeycloak();
        Path state = temp.resolve("state");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalStack.start(new LocalStack.Options(temp, state, 20000, false)));
        assertTrue(e.getMessage().contains("session-service is not built"), e.getMessage());
        assertTrue(e.getMessage().contains(temp.resolve("session-service/target/quarkus-app/quarkus-run.jar").toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("./mvnw -B -DskipTests -f session-service/pom.xml package"), e.getMessage());
        assertFalse(Files.exists(state), "the state directory was touched");
    }

    @Test
    void aTakenPortIsNamedAndNothingStarts() throws IOException {
        fakeKeycloak();
        for (String service : LocalStack.SERVICES) {
            Path jar = temp.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
            Files.createDirectories(jar.getParent());
            Files.writeString(jar, "not a jar");
        }
        Path state = temp.resolve("state");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int basePort = taken.getLocalPort() - 81;
            if (basePort < 1024 || basePort > Ports.MAX_BASE_PORT) {
                return; // the free port cannot be an invite-service port of any base; nothing to check
            }
            PortInUseException e = assertThrows(PortInUseException.class,
                    () -> LocalStack.start(new LocalStack.Options(temp, state, basePort, false)));
            assertEquals(taken.getLocalPort(), e.port());
            assertEquals("invite-service", e.piece());
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
        }
        assertFalse(Files.exists(state), "the state directory was touched");
    }

    @Test
    void stateMadeForOtherPortsIsRefused() {
        StateDir state = new StateDir(temp.resolve("state"));
        state.claim(20000, "realm");
        state.claim(20000, "realm");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state.claim(0, "realm"));
        assertTrue(e.getMessage().contains("base port 20000"), e.getMessage());
        state.reset();
        state.claim(0, "realm");
    }

    @Test
    void keycloaksDatabaseIsEmptiedWhenTheRealmChangedSoThatItIsImportedAgain() throws IOException {
        StateDir state = new StateDir(temp.resolve("state"));
        Path h2 = state.keycloak().resolve("data/h2/keycloakdb.mv.db");
        Path server = state.keycloak().resolve("lib/quarkus-run.jar");
        Files.createDirectories(h2.getParent());
        Files.createDirectories(server.getParent());
        Files.writeString(h2, "db");
        Files.writeString(server, "jar");
        assertTrue(state.claim(0, "realm v1"), "state from before the realm was remembered");
        assertFalse(Files.exists(h2));
        Files.createDirectories(h2.getParent());
        Files.writeString(h2, "db");
        assertFalse(state.claim(0, "realm v1"));
        assertTrue(Files.exists(h2), "the same realm keeps Keycloak's data");
        assertTrue(state.claim(0, "realm v2"));
        assertFalse(Files.exists(h2));
        assertTrue(Files.exists(server), "the Keycloak server itself stays");
    }

    @Test
    void aNewStateStartsFromTheKeycloakThatHasAlreadyBuiltItselfWithoutItsData() throws IOException {
        Path dist = temp.resolve("target/keycloak/keycloak-1.0");
        Files.createDirectories(dist.resolve("bin"));
        Files.createDirectories(dist.resolve("lib"));
        Files.writeString(dist.resolve("bin/kc.sh"), "#!/bin/sh\n");
        Files.writeString(dist.resolve("lib/quarkus-run.jar"), "jar");

        Path first = temp.resolve("state1/keycloak");
        KeycloakHome.prepare(dist, first);
        assertTrue(Files.isExecutable(first.resolve("bin/kc.sh")));
        // Keycloak's first start writes its build and its database into its folder.
        Files.createDirectories(first.resolve("lib/quarkus"));
        Files.writeString(first.resolve("lib/quarkus/generated-bytecode.jar"), "dev build");
        Files.createDirectories(first.resolve("data/h2"));
        Files.writeString(first.resolve("data/h2/keycloakdb.mv.db"), "users");
        KeycloakHome.rememberPrepared(dist, first);

        Path second = temp.resolve("state2/keycloak");
        KeycloakHome.prepare(dist, second);
        assertEquals("dev build", Files.readString(second.resolve("lib/quarkus/generated-bytecode.jar")));
        assertFalse(Files.exists(second.resolve("data")), "another state's users came along");
        assertTrue(Files.isExecutable(second.resolve("bin/kc.sh")));
    }

    private void fakeKeycloak() throws IOException {
        Path kcSh = temp.resolve("deploy/local/target/keycloak/keycloak-" + KeycloakHome.version() + "/bin/kc.sh");
        Files.createDirectories(kcSh.getParent());
        Files.writeString(kcSh, "#!/bin/sh\nexit 1\n");
    }
}
