package dev.tandem.invite.config;

import java.security.SecureRandom;
import java.time.Clock;

import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;

/** The clock and the source of randomness the service uses, as beans so a test can replace them. */
public class Clocks {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    SecureRandom secureRandom() {
        return new SecureRandom();
    }
}
