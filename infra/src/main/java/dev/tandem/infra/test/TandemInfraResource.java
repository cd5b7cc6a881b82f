package dev.tandem.infra.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import dev.tandem.infra.EmbeddedKafka;
import dev.tandem.infra.EmbeddedPostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The shared test resource of every service: a real Kafka broker (KRaft) and a real PostgreSQL
 * server, each started once per test JVM and reused by every test class and every test profile.
 * The init argument {@code database} names the service's own database.
 *
 * <pre>
 * &#64;WithTestResource(value = TandemInfraResource.class,
 *         initArgs = &#64;ResourceArg(name = "database", value = "invites"))
 * </pre>
 *
 * <p>Quarkus loads test resources in a class loader per test profile, so a static field alone would
 * give each profile its own broker and database, and a test that stops the service under one profile
 * and starts it under another (a restart test) would find nothing of the first run. The first start
 * therefore records where the broker and the server are in system properties, which the whole JVM
 * shares, and every later start, in any class loader, uses them. Tests reach them through
 * {@link #bootstrapServers()} and {@link #jdbcUrl(String)}, never through an instance.
 */
public class TandemInfraResource implements QuarkusTestResourceLifecycleManager {

    static final String KAFKA_PROPERTY = "tandem.test.kafka.bootstrap-servers";
    static final String POSTGRES_PROPERTY = "tandem.test.postgres.port";

    private String database = "tandem";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        String db = ensureDatabase(database);
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrapServers());
        config.put("quarkus.datasource.reactive.url", reactiveUrl(db));
        config.put("quarkus.datasource.jdbc.url", jdbcUrl(db));
        config.put("quarkus.datasource.username", EmbeddedPostgresServer.USER);
        config.put("quarkus.datasource.password", EmbeddedPostgresServer.PASSWORD);
        return config;
    }

    @Override
    public void stop() {
        // Kept for the next test class and profile; stopped when the JVM exits.
    }

    /** The JVM's test broker (started on first use, with every Tandem topic). */
    public static String bootstrapServers() {
        // The system properties are the one monitor every class loader shares.
        Properties shared = System.getProperties();
        synchronized (shared) {
            String servers = shared.getProperty(KAFKA_PROPERTY);
            if (servers == null) {
                EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "tandem-kafka-stop"));
                servers = kafka.bootstrapServers();
                shared.setProperty(KAFKA_PROPERTY, servers);
            }
            return servers;
        }
    }

    /** The port of the JVM's test PostgreSQL server (started on first use). */
    public static int postgresPort() {
        Properties shared = System.getProperties();
        synchronized (shared) {
            String port = shared.getProperty(POSTGRES_PROPERTY);
            if (port == null) {
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary();
                Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "tandem-postgres-stop"));
                port = Integer.toString(postgres.port());
                shared.setProperty(POSTGRES_PROPERTY, port);
            }
            return Integer.parseInt(port);
        }
    }

    /** Creates {@code name} on the test server unless it exists; returns the name. */
    public static String ensureDatabase(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        synchronized (System.getProperties()) {
            Properties login = new Properties();
            login.setProperty("user", EmbeddedPostgresServer.USER);
            login.setProperty("password", EmbeddedPostgresServer.PASSWORD);
            // The driver itself, not DriverManager: DriverManager hands a caller only the drivers its own class
            // loader registered, and a test profile's class loader may have registered none.
            try (Connection c = new org.postgresql.Driver().connect(jdbcUrl("postgres"), login);
                 Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                    if (!rs.next()) {
                        s.execute("CREATE DATABASE " + name);
                    }
                }
                return name;
            } catch (SQLException e) {
                throw new IllegalStateException("could not create database " + name, e);
            }
        }
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort() + "/" + database;
    }

    public static String reactiveUrl(String database) {
        return "postgresql://127.0.0.1:" + postgresPort() + "/" + database;
    }
}
