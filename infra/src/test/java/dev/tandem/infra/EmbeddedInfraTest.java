package dev.tandem.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;

class EmbeddedInfraTest {

    @Test
    void kafkaBrokerHasEveryTopicAndDeliversARecord() throws Exception {
        String bootstrap = TandemInfraResource.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> names = admin.listTopics().names().get();
            for (Topics.Topic topic : Topics.ALL) {
                assertTrue(names.contains(topic.name()), "missing topic " + topic.name());
            }
            String compaction = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "tandem.site-config")))
                    .all().get().values().iterator().next().get("cleanup.policy").value();
            assertEquals("compact", compaction);
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer());
             var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                     "group.id", "infra-test", "auto.offset.reset", "earliest"),
                     new StringDeserializer(), new StringDeserializer())) {
            producer.send(new ProducerRecord<>("tandem.chat-events", "chat-1", "{\"type\":\"ChatEnded\"}")).get();
            consumer.subscribe(List.of("tandem.chat-events"));
            String seen = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seen == null && System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                for (var r : records) {
                    seen = r.value();
                }
            }
            assertEquals("{\"type\":\"ChatEnded\"}", seen);
        }
    }

    @Test
    void postgresCreatesOneDatabasePerService() throws Exception {
        TandemInfraResource.ensureDatabase("invites");
        TandemInfraResource.ensureDatabase("invites");
        try (Connection c = DriverManager.getConnection(TandemInfraResource.jdbcUrl("invites"),
                EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
             ResultSet rs = c.createStatement().executeQuery("SELECT current_database(), version()")) {
            assertTrue(rs.next());
            assertEquals("invites", rs.getString(1));
            assertTrue(rs.getString(2).startsWith("PostgreSQL"), rs.getString(2));
        }
    }
}
