package dev.tandem.session;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.infra.test.TandemInfraResource;

/** A real Kafka client for the tests: publishes records as another service would and reads what we publish. */
public final class TestKafka {

    public static final String INVITE_EVENTS = "tandem.invite-events";
    public static final String GATEWAY_EVENTS = "tandem.gateway-events";
    public static final String SESSION_EVENTS = "tandem.session-events";
    public static final String CHAT_EVENTS = "tandem.chat-events";
    /** The consumer group of session-service (its application name). */
    public static final String GROUP = "session-service";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaProducer<String, String> producer;
    private static KafkaConsumer<String, String> sessionEvents;
    private static final List<ConsumerRecord<String, String>> SEEN = new ArrayList<>();

    private TestKafka() {
    }

    private static String bootstrap() {
        return TandemInfraResource.bootstrapServers();
    }

    /** Publishes {@code json} as the value of a record with {@code key}, and waits for the broker to have it. */
    public static synchronized RecordMetadata send(String topic, String key, String json) {
        return send(new ProducerRecord<>(topic, key, json));
    }

    /** Publishes to one partition, to put a record in front of another on the same partition. */
    public static synchronized RecordMetadata send(String topic, int partition, String key, String json) {
        return send(new ProducerRecord<>(topic, partition, key, json));
    }

    private static RecordMetadata send(ProducerRecord<String, String> record) {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                    new StringSerializer(), new StringSerializer());
        }
        try {
            return producer.send(record).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + record.topic(), e);
        }
    }

    /** Waits until session-service has consumed (and committed) the record at {@code sent} and all before it. */
    public static void awaitConsumed(RecordMetadata sent) {
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get().get(partition);
                return committed != null && committed.offset() > sent.offset();
            });
        }
    }

    /** Every event published on tandem.session-events so far with this key (session id), in order, as JSON. */
    public static synchronized List<JsonNode> sessionEvents(String sessionId) {
        if (sessionEvents == null) {
            sessionEvents = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                    new StringDeserializer(), new StringDeserializer());
            List<TopicPartition> partitions = sessionEvents.partitionsFor(SESSION_EVENTS).stream()
                    .map(p -> new TopicPartition(SESSION_EVENTS, p.partition())).toList();
            sessionEvents.assign(partitions);
            sessionEvents.seekToBeginning(partitions);
        }
        while (true) {
            var records = sessionEvents.poll(Duration.ofMillis(200));
            if (records.isEmpty()) {
                break;
            }
            records.forEach(SEEN::add);
        }
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<String, String> r : SEEN) {
            if (sessionId.equals(r.key())) {
                try {
                    events.add(JSON.readTree(r.value()));
                } catch (Exception e) {
                    throw new IllegalStateException("session-service published something that is not JSON", e);
                }
            }
        }
        return events;
    }

    /** The session events with this key and type. */
    public static List<JsonNode> sessionEvents(String sessionId, String type) {
        return sessionEvents(sessionId).stream().filter(e -> type.equals(e.path("type").asText())).toList();
    }
}
