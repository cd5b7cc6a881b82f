package dev.tandem.invite.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Business settings of invite-service ({@code invite.*} in application.properties). */
@ConfigMapping(prefix = "invite")
public interface InviteConfig {

    /** How long a visitor has to answer an invite. */
    @WithDefault("2m")
    Duration expiry();

    Sweeper sweeper();

    Idempotency idempotency();

    Requests requests();

    ModeRequests modeRequests();

    Kafka kafka();

    interface Kafka {

        /** How often the broker is probed ({@code KafkaAvailability}; read by the scheduler from its annotation). */
        @WithDefault("1s")
        String probeInterval();

        /** How long a probe waits for the broker's answer. */
        @WithDefault("2s")
        Duration probeTimeout();

        /** The {@code Retry-After} of a 503 events-unavailable. */
        @WithDefault("10s")
        Duration retryAfter();

        /** Another broker address for the probe only (tests); {@code kafka.bootstrap.servers} otherwise. */
        java.util.Optional<String> probeBootstrapServers();
    }

    interface Requests {

        /** How long a visitor's request for help waits for an agent. */
        @WithDefault("2m")
        Duration expiry();

        /** How long a chat credential (POST /api/chat-credentials) can be used. */
        @WithDefault("12h")
        Duration chatCredentialLifetime();

        /** How many requests GET /api/requests lists at most. */
        @WithDefault("100")
        int listLimit();
    }

    interface ModeRequests {

        /** How long the visitor has to answer a request to go from view-only to shared. */
        @WithDefault("60s")
        Duration expiry();
    }

    interface Sweeper {

        /**
         * How often pending invites past their expiry are moved to EXPIRED, in the scheduler's form
         * ({@code 1s}, {@code 500ms}); {@code off} disables the sweeper. The scheduler reads it
         * from {@code ExpirySweeper}'s annotation.
         */
        @WithDefault("1s")
        String interval();

        /** How many invites one run expires at most (the rest wait for the next run). */
        @WithDefault("100")
        int batchSize();
    }

    interface Idempotency {

        /** How long an {@code Idempotency-Key} is remembered. */
        @WithDefault("24h")
        Duration retention();
    }
}
