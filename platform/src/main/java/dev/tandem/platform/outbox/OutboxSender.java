package dev.tandem.platform.outbox;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Sends one outbox row to its topic through the {@code outbox} channel; completes when Kafka acknowledged it. */
@ApplicationScoped
public class OutboxSender {

    private final MutinyEmitter<String> emitter;

    public OutboxSender(@Channel("outbox") MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    Uni<Void> send(OutboxEvent row) {
        return emitter.sendMessage(Message.of(row.payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(row.topic)
                        .withKey(row.eventKey)
                        .withHeaders(List.of(new RecordHeader("tandem-event-type",
                                row.eventType.getBytes(StandardCharsets.UTF_8))))
                        .build()));
    }
}
