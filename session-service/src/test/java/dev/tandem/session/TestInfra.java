package dev.tandem.session;

import java.util.HashMap;
import java.util.Map;

import dev.tandem.infra.EmbeddedPostgresServer;
import dev.tandem.infra.test.TandemInfraResource;

/**
 * Where the tests' PostgreSQL and Kafka are. Each Quarkus test profile loads the test resources in its own
 * class loader, so {@link TandemInfraResource} alone would start a fresh broker and database per profile; a
 * test that restarts the service in the middle of a wait needs the second instance on the first one's
 * database and broker. So the first start records them in system properties (shared by the whole JVM), and
 * {@link SharedInfraResource} and these helpers use them from then on, whatever the class loader.
 */
public final class TestInfra {

    static final String JDBC_URL = "tandem.test.sessions.jdbc-url";
    static final String REACTIVE_URL = "tandem.test.sessions.reactive-url";
    static final String KAFKA = "tandem.test.kafka";

    private TestInfra() {
    }

    public static String jdbcUrl() {
        return sharedConfig().get("quarkus.datasource.jdbc.url");
    }

    public static String kafkaBootstrap() {
        return sharedConfig().get("kafka.bootstrap.servers");
    }

    private static void share() {
        String db = TandemInfraResource.postgres().ensureDatabase("sessions");
        System.setProperty(JDBC_URL, TandemInfraResource.postgres().jdbcUrl(db));
        System.setProperty(REACTIVE_URL, TandemInfraResource.postgres().reactiveUrl(db));
        System.setProperty(KAFKA, TandemInfraResource.kafka().bootstrapServers());
    }

    /** The service's settings for the shared database and broker (starting them if this is the first). */
    public static synchronized Map<String, String> sharedConfig() {
        if (System.getProperty(KAFKA) == null) {
            share();
        }
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", System.getProperty(KAFKA));
        config.put("quarkus.datasource.reactive.url", System.getProperty(REACTIVE_URL));
        config.put("quarkus.datasource.jdbc.url", System.getProperty(JDBC_URL));
        config.put("quarkus.datasource.username", EmbeddedPostgresServer.USER);
        config.put("quarkus.datasource.password", EmbeddedPostgresServer.PASSWORD);
        return config;
    }
}
