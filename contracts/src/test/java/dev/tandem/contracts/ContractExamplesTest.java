package dev.tandem.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Every example in {@code contracts/examples} reads into its record and writes back to the same
 * JSON: the Java records and the documented shapes cannot drift apart silently.
 */
class ContractExamplesTest {

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static Stream<Arguments> examples() throws IOException {
        return Stream.of(
                examplesOf("invite-events.json", InviteEvent.class),
                examplesOf("session-events.json", SessionEvent.class),
                examplesOf("gateway-events.json", GatewayEvent.class),
                examplesOf("chat-events.json", ChatEvent.class)).flatMap(s -> s);
    }

    private static Stream<Arguments> examplesOf(String file, Class<? extends Event> type) throws IOException {
        try (InputStream in = ContractExamplesTest.class.getResourceAsStream("/contracts/examples/" + file)) {
            List<Arguments> args = new java.util.ArrayList<>();
            for (JsonNode node : JSON.readTree(in)) {
                args.add(Arguments.of(file + ":" + node.get("type").asText(), node, type));
            }
            return args.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleReadsIntoItsRecordAndWritesBackUnchanged(String name, JsonNode example, Class<? extends Event> type)
            throws IOException {
        Event event = JSON.treeToValue(example, type);
        assertEquals(example.get("type").asText(), event.getClass().getSimpleName());
        assertEquals(example.get("aggregateId").asText(), event.aggregateId());
        assertEquals(example, JSON.readTree(JSON.writerFor(type).writeValueAsString(event)));
    }

    @Test
    void unknownEventTypeIsRefused() {
        String json = "{\"type\":\"InviteCancelled\",\"id\":\"0b8f1c3e-8a8e-4c1e-9a52-3f0c1b2d4e01\"}";
        assertThrows(InvalidTypeIdException.class, () -> JSON.readValue(json, InviteEvent.class));
    }

    @Test
    void acceptedInviteCarriesOnlyTheCredentialHash() throws IOException {
        JsonNode accepted = JSON.readTree(ContractExamplesTest.class
                .getResourceAsStream("/contracts/examples/invite-events.json")).get(1);
        InviteEvent.InviteAccepted event = assertInstanceOf(InviteEvent.InviteAccepted.class,
                JSON.treeToValue(accepted, InviteEvent.class));
        assertEquals(64, event.visitorCredentialHash().length());
    }
}
