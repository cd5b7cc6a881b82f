package dev.tandem.invite.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.InviteEvent;
import dev.tandem.contracts.Topics;
import dev.tandem.infra.test.TandemInfraResource;

/**
 * Reads tandem.invite-events on the real broker from the moment it is opened: every partition is
 * positioned at its end first, so only what the test causes afterwards is seen.
 */
public final class InviteEventsTopic implements AutoCloseable {

    /** A record as it arrived: key, raw value, the parsed event and the event-type header. */
    public record Received(String key, String value, InviteEvent event, String typeHeader) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final ObjectMapper json;
    private final List<Received> received = new ArrayList<>();

    private InviteEventsTopic(ObjectMapper json, boolean fromBeginning) {
        this.json = json;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TandemInfraResource.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.INVITE_EVENTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(consumer::position); // resolves the lazy seek now, before the test acts
    }

    public static InviteEventsTopic fromNow(ObjectMapper json) {
        return new InviteEventsTopic(json, false);
    }

    /** Everything the topic holds, from its first record on. */
    public static InviteEventsTopic fromBeginning(ObjectMapper json) {
        return new InviteEventsTopic(json, true);
    }

    /** Reads everything up to the current end of every partition (what has been published until now). */
    public List<Received> readToEnd() {
        java.util.Set<TopicPartition> partitions = consumer.assignment();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read " + Topics.INVITE_EVENTS + " to its end");
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                received.add(parse(r));
            }
        }
        return received();
    }

    /** Polls until a record matching {@code match} arrives (at most {@code timeout}); returns it. */
    public Received await(Predicate<Received> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < received.size(); checked++) {
                if (match.test(received.get(checked))) {
                    return received.get(checked);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching record on " + Topics.INVITE_EVENTS + " within " + timeout
                        + "; received " + received.stream().map(r -> r.event() == null ? "?" : r.event().getClass()
                                .getSimpleName() + "/" + r.event().aggregateId()).toList());
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                received.add(parse(r));
            }
        }
    }

    public Received await(Predicate<Received> match) {
        return await(match, Duration.ofSeconds(20));
    }

    /** The event of type {@code type} about invite {@code inviteId}. */
    public <E extends InviteEvent> E awaitEvent(Class<E> type, String inviteId) {
        return type.cast(await(r -> type.isInstance(r.event()) && r.event().aggregateId().equals(inviteId)).event());
    }

    /** Everything received so far. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    private Received parse(ConsumerRecord<String, String> r) {
        Header type = r.headers().lastHeader("tandem-event-type");
        InviteEvent event;
        try {
            event = json.readValue(r.value(), InviteEvent.class);
        } catch (JsonProcessingException e) {
            event = null;
        }
        return new Received(r.key(), r.value(), event,
                type == null ? null : new String(type.value(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
