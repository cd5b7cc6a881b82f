package dev.tandem.invite.rest;

/** JSON examples for the OpenAPI document (made-up ids and a made-up credential). */
final class Examples {

    static final String CREATE_INVITE = """
            {"agentId": "agent1", "agentGroup": "default", "chatId": "chat-42", "siteId": "demo-insurer",
             "mode": "VIEW_ONLY", "message": "May I look at the form with you?"}""";
    static final String INVITE_CREATED = """
            {"id": "7d3e8f4a-1c2b-4d5e-8f90-a1b2c3d4e5f6", "state": "PENDING", "agentId": "agent1",
             "agentGroup": "default", "chatId": "chat-42", "siteId": "demo-insurer", "mode": "VIEW_ONLY",
             "message": "May I look at the form with you?", "createdAt": "2026-11-21T10:15:30.123Z",
             "expiresAt": "2026-11-21T10:17:30.123Z",
             "visitor": {"credential": "q3Zr0cW8v1m6yJ2kP9dX4tLh7sGfB5nA0eRuY2iOw1E"}}""";
    static final String INVITE = """
            {"id": "7d3e8f4a-1c2b-4d5e-8f90-a1b2c3d4e5f6", "state": "ACCEPTED", "agentId": "agent1",
             "agentGroup": "default", "chatId": "chat-42", "siteId": "demo-insurer", "mode": "VIEW_ONLY",
             "message": "May I look at the form with you?", "createdAt": "2026-11-21T10:15:30.123Z",
             "expiresAt": "2026-11-21T10:17:30.123Z"}""";
    static final String VISITOR_INVITE = """
            {"id": "7d3e8f4a-1c2b-4d5e-8f90-a1b2c3d4e5f6", "state": "PENDING", "mode": "VIEW_ONLY",
             "message": "May I look at the form with you?", "expiresAt": "2026-11-21T10:17:30.123Z"}""";
    static final String CHAT_CREDENTIAL_REQUEST = """
            {"chatId": "chat-7781", "siteId": "demo-insurer"}""";
    static final String CHAT_CREDENTIAL = """
            {"chatId": "chat-45", "siteId": "demo-insurer",
             "credential": "Hk2m9Qx0Zt7pL4bN1cV8sD6fG3jR5wYeU0aI2oP7yT4", "expiresAt": "2026-11-21T22:15:30.123Z"}""";
    static final String REQUEST_CREATED = """
            {"id": "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "state": "PENDING", "mode": null,
             "expiresAt": "2026-11-21T10:22:00.000Z",
             "visitor": {"credential": "Zp4c8Vb1Nm6Qw0Er3Ty7Ui2Op5As9Df1Gh4Jk8Lz3Xc"}}""";
    static final String VISITOR_REQUEST_VIEW = """
            {"id": "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "state": "ACCEPTED", "mode": "VIEW_ONLY",
             "expiresAt": "2026-11-21T10:22:00.000Z"}""";
    static final String REQUEST = """
            {"id": "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "state": "PENDING", "chatId": "chat-45",
             "siteId": "demo-insurer", "agentId": null, "agentGroup": null, "mode": null,
             "createdAt": "2026-11-21T10:20:00.000Z", "expiresAt": "2026-11-21T10:22:00.000Z"}""";
    static final String REQUESTS = "[" + REQUEST + "]";
    static final String REQUEST_ACCEPTED = """
            {"id": "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "state": "ACCEPTED", "chatId": "chat-45",
             "siteId": "demo-insurer", "agentId": "agent2", "agentGroup": "default", "mode": "VIEW_ONLY",
             "createdAt": "2026-11-21T10:20:00.000Z", "expiresAt": "2026-11-21T10:22:00.000Z"}""";
    static final String ACCEPT_REQUEST = """
            {"agentId": "agent2", "mode": "VIEW_ONLY", "agentGroup": "default"}""";
    static final String MODE_REQUEST_BODY = """
            {"sessionId": "5e0c2a1b-3d4e-4f50-8a6b-7c8d9e0f1a2b", "mode": "SHARED"}""";
    static final String MODE_REQUEST = """
            {"id": "6f1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "sessionId": "5e0c2a1b-3d4e-4f50-8a6b-7c8d9e0f1a2b",
             "state": "PENDING", "mode": "SHARED", "createdAt": "2026-11-21T10:25:00.000Z",
             "expiresAt": "2026-11-21T10:26:00.000Z"}""";
    static final String MODE_REQUEST_ACCEPTED = """
            {"id": "6f1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "sessionId": "5e0c2a1b-3d4e-4f50-8a6b-7c8d9e0f1a2b",
             "state": "ACCEPTED", "mode": "SHARED", "createdAt": "2026-11-21T10:25:00.000Z",
             "expiresAt": "2026-11-21T10:26:00.000Z"}""";
    static final String PROBLEM = """
            {"type": "https://tandem.dev/problems/agent-in-session", "title": "Conflict", "status": 409,
             "detail": "agent agent1 is in a live co-browsing session; try again when it has ended",
             "instance": "/api/invites"}""";

    private Examples() {
    }
}
