package dev.tandem.platform.outbox;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import jakarta.enterprise.inject.Instance;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Publishes the outbox to Kafka in order, at least once: a batch of rows is locked (so that several
 * replicas never publish the same row concurrently), each is sent and acknowledged by the broker,
 * then the batch is deleted in the same transaction. If Kafka is away the rows stay and the next run
 * tries again; consumers deduplicate on the event id.
 */
@ApplicationScoped
public class OutboxRelay {

    static final int BATCH = 200;

    private final Instance<OutboxSender> sender;

    /** The sender is resolved on first use: its channel is wired only once messaging has started. */
    public OutboxRelay(Instance<OutboxSender> sender) {
        this.sender = sender;
    }

    @Scheduled(every = "${tandem.outbox.interval:1s}", delayed = "${tandem.outbox.initial-delay:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "outbox-relay")
    Uni<Void> relay() {
        OutboxSender ready;
        try {
            ready = sender.get();
        } catch (RuntimeException e) {
            Log.debugf("outbox channel not wired yet, next run will try: %s", e.toString());
            return Uni.createFrom().voidItem();
        }
        return publishBatch(ready)
                .onFailure().invoke(e -> Log.warnf("outbox not published yet, will retry: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Publishes one batch; the number of events published. */
    public Uni<Integer> publishBatch() {
        return publishBatch(sender.get());
    }

    private Uni<Integer> publishBatch(OutboxSender to) {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> session
                        .createNativeQuery("SELECT * FROM outbox_event ORDER BY seq LIMIT " + BATCH
                                + " FOR UPDATE SKIP LOCKED", OutboxEvent.class)
                        .getResultList())
                .chain(rows -> sendInOrderThenDelete(to, rows)));
    }

    private Uni<Integer> sendInOrderThenDelete(OutboxSender to, List<OutboxEvent> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        // The broker acknowledges on its own thread; Hibernate Reactive must go on on this context.
        Context context = Vertx.currentContext();
        return Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(row -> to.send(row)
                        .emitOn(task -> context.runOnContext(ignored -> task.run())))
                .collect().last()
                .chain(() -> Panache.getSession().chain(s -> s
                        .createNativeQuery("DELETE FROM outbox_event WHERE seq <= :last AND seq >= :first")
                        .setParameter("first", rows.getFirst().seq)
                        .setParameter("last", rows.getLast().seq)
                        .executeUpdate()))
                .replaceWith(rows.size());
    }
}
