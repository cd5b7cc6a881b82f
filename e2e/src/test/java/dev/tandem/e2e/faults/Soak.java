package dev.tandem.e2e.faults;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tandem.local.LocalStack;

/**
 * The bounded soak: agents of their own (made in Keycloak through its admin API) each run sessions back to back
 * until the time is up: the chat platform invites, the visitor accepts, both join the gateway over raw
 * WebSockets with their real tokens, the visitor's snapshot reaches the agent, the visitor ends it, and the
 * agent is free for the next invite. No browser; loopback only.
 */
public final class Soak {

    /** What a run did. */
    public record Result(long sessions, long failures, List<String> firstFailures, Duration took) {
    }

    private final LocalStack stack;
    private final Api api;

    public Soak(LocalStack stack, Api api) {
        this.stack = stack;
        this.api = api;
    }

    /** Makes {@code count} agents soak-agent-1… (password = user name, realm role agent, tenant demo). */
    public List<String> agents(int count) {
        String admin = masterAdminToken();
        JsonNode role = get("/admin/realms/tandem/roles/agent", admin);
        List<String> agents = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = "soak-agent-" + i;
            String user = "{\"username\":\"" + name + "\",\"enabled\":true,\"emailVerified\":true,\"firstName\":\"Soak\","
                    + "\"lastName\":\"Agent " + i + "\",\"email\":\"" + name + "@harbour.example\","
                    + "\"attributes\":{\"tenant\":[\"demo\"]},"
                    + "\"credentials\":[{\"type\":\"password\",\"value\":\"" + name + "\",\"temporary\":false}]}";
            Api.Answer created = api.send(HttpRequest.newBuilder(stack.keycloak().resolve("/admin/realms/tandem/users"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(user)));
            if (created.status() != 201 && created.status() != 409) {
                throw new AssertionError("creating " + name + ": " + created);
            }
            JsonNode found = get("/admin/realms/tandem/users?exact=true&username=" + name, admin);
            String id = found.get(0).path("id").asText();
            Api.Answer mapped = api.send(HttpRequest.newBuilder(
                    stack.keycloak().resolve("/admin/realms/tandem/users/" + id + "/role-mappings/realm"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("[" + role + "]")));
            if (mapped.status() != 204) {
                throw new AssertionError("role for " + name + ": " + mapped);
            }
            agents.add(name);
        }
        return agents;
    }

    /** Runs sessions back to back on every agent until {@code duration} has passed, then returns. */
    public Result run(List<String> agents, Duration duration) throws Exception {
        Instant start = Instant.now();
        Instant end = start.plus(duration);
        AtomicLong sessions = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(agents.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String agent : agents) {
                running.add(pool.submit(() -> {
                    while (Instant.now().isBefore(end)) {
                        try {
                            oneSession(agent);
                            sessions.incrementAndGet();
                        } catch (Throwable e) {
                            failures.incrementAndGet();
                            if (failed.size() < 10) {
                                failed.add(agent + ": " + e.getMessage());
                            }
                            // Let whatever is left of it end by itself before the next one.
                            settle(agent);
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(sessions.get(), failures.get(), List.copyOf(failed), Duration.between(start, Instant.now()));
    }

    private void oneSession(String agent) {
        String chat = "soak-" + UUID.randomUUID();
        // The agent's previous session has ended; invite-service learns it from SessionEnded (409 until then).
        Api.Invite[] invite = new Api.Invite[1];
        Awaitility.await("invite-service free to invite " + agent + " again (409 until it has seen SessionEnded)")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Api.Answer answer = api.postInvite(agent, chat);
            if (answer.status() == 201) {
                JsonNode json = answer.json();
                invite[0] = new Api.Invite(json.path("id").asText(), json.path("visitor").path("credential").asText());
                return true;
            }
            if (answer.status() != 409) {
                throw new AssertionError("invite: " + answer);
            }
            return false;
        });
        Api.Answer accepted = api.accept(invite[0]);
        if (accepted.status() != 200) {
            throw new AssertionError("accept: " + accepted);
        }
        Api.Joining joining = api.visitorJoining(invite[0], Duration.ofSeconds(30));
        Api.Answer agentJoin = api.agentJoinToken(agent, joining.sessionId());
        if (agentJoin.status() != 200) {
            throw new AssertionError("agent join token: " + agentJoin);
        }
        String demoOrigin = stack.demoSite().getScheme() + "://" + stack.demoSite().getRawAuthority();
        String marker = "soak-page-" + UUID.randomUUID();
        try (RawPeer visitor = RawPeer.visitor(stack.gateway(), demoOrigin, joining.joinToken());
                RawPeer agentPeer = RawPeer.agent(stack.gateway(), agentJoin.json().path("joinToken").asText(),
                        api.agentToken(agent))) {
            Awaitility.await("the gateway's hello to both sides").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> agentPeer.hasReceived("\"t\":\"hello\"") && visitor.hasReceived("\"t\":\"hello\""));
            visitor.sendSnapshot(1, marker);
            Awaitility.await("the visitor's snapshot at the agent").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> agentPeer.hasReceived(marker));
            visitor.send("{\"t\":\"end\"}");
            Awaitility.await("the agent told the session ended").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> agentPeer.hasReceived("\"t\":\"ended\"") || agentPeer.isClosed());
        }
    }

    /** After a failed round: ends the agent's live session, if any, so that the next round can start. */
    private void settle(String agent) {
        try {
            Api.Answer mine = api.mySession(agent);
            if (mine.status() == 200) {
                api.endSession(agent, mine.json().path("sessionId").asText());
            }
        } catch (Throwable ignored) {
            // the next round reports what is still wrong
        }
    }

    private String masterAdminToken() {
        Api.Answer answer = api.send(HttpRequest.newBuilder(
                stack.keycloak().resolve("/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=admin&password="
                        + URLEncoder.encode("admin", StandardCharsets.UTF_8))));
        if (answer.status() != 200) {
            throw new AssertionError("Keycloak admin token: " + answer);
        }
        return answer.json().path("access_token").asText();
    }

    private JsonNode get(String path, String token) {
        Api.Answer answer = api.send(HttpRequest.newBuilder(URI.create(stack.keycloak() + path))
                .header("Authorization", "Bearer " + token).GET());
        if (answer.status() != 200) {
            throw new AssertionError(path + ": " + answer);
        }
        return answer.json();
    }
}
