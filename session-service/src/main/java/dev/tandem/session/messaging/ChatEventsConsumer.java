package dev.tandem.session.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.tandem.platform.messaging.EventReader;
import dev.tandem.contracts.ChatEvent;
import dev.tandem.session.service.SessionService;
import io.smallrye.mutiny.Uni;

/**
 * Reads {@code tandem.chat-events} (from the chat platform, keyed by chat id): a chat that ended ends its live
 * sessions (CHAT_ENDED). The webhook {@code POST /api/chats/{chatId}/ended} is the alternative.
 */
@ApplicationScoped
public class ChatEventsConsumer {

    static final String CHANNEL = "chat-events";

    private final EventReader reader;
    private final SessionService sessions;
    private final Retries retries;

    public ChatEventsConsumer(EventReader reader, SessionService sessions, Retries retries) {
        this.reader = reader;
        this.sessions = sessions;
        this.retries = retries;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String payload) {
        return reader.read(payload, ChatEvent.class, CHANNEL)
                .map(event -> switch (event) {
                    case ChatEvent.ChatEnded ended -> retries.apply("ending the sessions of chat " + ended.aggregateId(),
                            () -> sessions.endChat(ended.id(), ended.aggregateId(), null), e -> false);
                })
                .orElseGet(() -> Uni.createFrom().voidItem());
    }
}
