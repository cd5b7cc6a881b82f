package dev.tandem.local;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo chat platform's chats, in memory and bounded: at most {@link #MAX_CHATS} chats (the one
 * seen longest ago goes first) with the last {@link #MAX_MESSAGES} messages each. A chat exists as soon
 * as anyone refers to it, as in a real chat where the widget opens the conversation.
 */
final class DemoChats {

    static final int MAX_CHATS = 1000;
    static final int MAX_MESSAGES = 200;

    /** A chat message; {@code invite} only on the system message that carries an invite. */
    record Message(long n, String from, String text, Instant at, Invite invite) {
    }

    /** What the visitor's page needs to answer an invite. {@code credential} is the visitor's secret. */
    record Invite(String id, String mode, String credential) {
        @Override
        public String toString() {
            return "Invite[id=" + id + ", mode=" + mode + ", credential=hidden]";
        }
    }

    record ChatSummary(String chatId, Instant lastSeen) {
    }

    private static final class Chat {
        final Deque<Message> messages = new ArrayDeque<>();
        long lastN;
        Instant lastSeen;
    }

    private final Clock clock;
    /** Insertion order = the order chats were opened; eviction picks the least recently seen. */
    private final Map<String, Chat> chats = new LinkedHashMap<>();

    DemoChats(Clock clock) {
        this.clock = clock;
    }

    synchronized List<ChatSummary> list() {
        List<ChatSummary> all = new ArrayList<>(chats.size());
        chats.forEach((id, chat) -> all.add(new ChatSummary(id, chat.lastSeen)));
        return all;
    }

    /** The messages after number {@code after}; marks the chat as seen. */
    synchronized List<Message> messagesAfter(String chatId, long after) {
        Chat chat = touch(chatId);
        return chat.messages.stream().filter(m -> m.n() > after).toList();
    }

    synchronized Message post(String chatId, String from, String text, Invite invite) {
        Chat chat = touch(chatId);
        Message message = new Message(++chat.lastN, from, text, clock.instant(), invite);
        chat.messages.addLast(message);
        while (chat.messages.size() > MAX_MESSAGES) {
            chat.messages.removeFirst();
        }
        return message;
    }

    private Chat touch(String chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null) {
            if (chats.size() >= MAX_CHATS) {
                evictLeastRecentlySeen();
            }
            chat = new Chat();
            chats.put(chatId, chat);
        }
        chat.lastSeen = clock.instant();
        return chat;
    }

    private void evictLeastRecentlySeen() {
        String oldest = null;
        Instant oldestSeen = null;
        for (Map.Entry<String, Chat> e : chats.entrySet()) {
            if (oldestSeen == null || e.getValue().lastSeen.isBefore(oldestSeen)) {
                oldest = e.getKey();
                oldestSeen = e.getValue().lastSeen;
            }
        }
        chats.remove(oldest);
    }
}
