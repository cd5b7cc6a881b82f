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
