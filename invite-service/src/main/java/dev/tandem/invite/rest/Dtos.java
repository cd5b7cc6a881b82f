package dev.tandem.invite.rest;

/** Marker for the request and response records of the rest package (each in its own file). */
final class Dtos {

    static final String ID = CreateInviteRequest.ID;
    static final String ID_RULE = CreateInviteRequest.ID_RULE;
    static final String REQUIRED = CreateInviteRequest.REQUIRED;

    private Dtos() {
    }
}
