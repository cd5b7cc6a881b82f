package dev.tandem.session.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Business settings of session-service, under {@code session.*}. */
@ConfigMapping(prefix = "session")
public interface SessionConfig {

    JoinToken joinToken();

    Consumer consumer();

    Timeouts timeouts();

    Sweeper sweeper();

    CodeLookups codeLookups();

    /** How often one agent may look a session up by its display code ({@code GET /api/sessions/by-code/…}). */
    interface CodeLookups {

        /** Lookups per caller and window; more get {@code 429 too-many-lookups} with {@code Retry-After}. */
        @WithDefault("20")
        int perWindow();

        @WithDefault("1m")
        Duration window();
    }

    /**
     * How long a session waits for something before it ends by itself. Each deadline is stored when its wait
     * starts, so a restart loses none; a changed setting applies to waits that start afterwards.
     */
    interface Timeouts {

        /** How long after its creation a session may stay without both parties having joined (JOIN_TIMEOUT). */
        @WithDefault("5m")
        Duration joinWindow();

        /** How long an active session may go without activity reported by a gateway (INACTIVITY_TIMEOUT). */
        @WithDefault("15m")
        Duration inactivity();

        /** How long the agent may stay disconnected before the session ends (AGENT_AWAY). */
        @WithDefault("2m")
        Duration agentAwayGrace();

        /**
         * How long the visitor may stay disconnected before the session ends (VISITOR_AWAY). A page load closes
         * the visitor's socket and opens a new one on the next page: keep this well above a slow page load.
         */
        @WithDefault("45s")
        Duration visitorAwayGrace();
    }

    /** The scheduler that ends sessions whose deadline has passed. */
    interface Sweeper {

        /**
         * How often the sweeper looks for due sessions (read by the scheduler as
         * {@code session.sweeper.interval}); a timeout fires at most this late.
         */
        @WithDefault("2s")
        Duration interval();

        /** How many due sessions one sweep takes (each replica locks its own with SKIP LOCKED). */
        @WithDefault("100")
        int batchSize();
    }

    /** The short-lived JWTs that let a visitor or an agent connect to a gateway. */
    interface JoinToken {

        /** How long a join token is valid after it was issued. */
        @WithDefault("10m")
        Duration ttl();

        /**
         * The RSA private key that signs join tokens: a PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}),
         * either the PEM text itself or the path of a file holding it. Every replica must have the same key;
         * without one, a key pair is generated at startup and tokens do not survive a restart.
         */
        Optional<String> privateKey();

        /**
         * The matching public key (X.509 PEM, {@code -----BEGIN PUBLIC KEY-----}, text or file path). Optional:
         * it is derived from the private key when absent, and checked against it when present.
         */
        Optional<String> publicKey();
    }

    /** How the Kafka consumers treat an event they cannot apply. */
    interface Consumer {

        /**
         * How many times an event is retried (with back-off) when applying it fails for a reason other than
         * its content, e.g. the database being away, before it is logged as an error and skipped.
         */
        @WithDefault("8")
        int retries();

        /** The first back-off between retries; it doubles up to {@link #maxBackoff()}. */
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("10s")
        Duration maxBackoff();
    }
}
