package dev.tandem.infra.test;

import java.util.HashMap;
import java.util.Map;

import dev.tandem.infra.EmbeddedKafka;
import dev.tandem.infra.EmbeddedPostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The shared test resource of every service: a real Kafka broker (KRaft) and a real PostgreSQL
 * server, each started once per test JVM and reused by every test class and profile. The init
 * argument {@code database} names the service's own database.
 *
 * <pre>
 * &#64;WithTestResource(value = TandemInfraResource.class,
 *         initArgs = &#64;ResourceArg(name = "database", value = "invites"))
 * </pre>
 */
public class TandemInfraResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedKafka kafka;
    private static EmbeddedPostgresServer postgres;

    private String database = "tandem";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        String db = postgres().ensureDatabase(database);
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka().bootstrapServers());
        config.put("quarkus.datasource.reactive.url", postgres().reactiveUrl(db));
        config.put("quarkus.datasource.jdbc.url", postgres().jdbcUrl(db));
        config.put("quarkus.datasource.username", EmbeddedPostgresServer.USER);
        config.put("quarkus.datasource.password", EmbeddedPostgresServer.PASSWORD);
        return config;
    }

    @Override
    public void stop() {
        // Kept for the next test class; stopped when the JVM exits.
    }

    public static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.startTemporary();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "tandem-kafka-stop"));
        }
        return kafka;
    }

    public static synchronized EmbeddedPostgresServer postgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgresServer.startTemporary();
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "tandem-postgres-stop"));
        }
        return postgres;
    }
}
