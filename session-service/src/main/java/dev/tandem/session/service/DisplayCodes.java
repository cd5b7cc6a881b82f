package dev.tandem.session.service;

import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.session.domain.DisplayCode;

/** Draws display codes. A bean of its own so that a test can make two sessions draw the same code. */
@ApplicationScoped
public class DisplayCodes {

    private final SecureRandom random = new SecureRandom();

    public String next() {
        return DisplayCode.random(random);
    }
}
