package dev.tandem.invite;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class HealthAndOpenApiTest {

    @Test
    void readinessReportsTheDatabaseAndKafka() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.status", everyItem(equalTo("UP")))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"))
                .body("checks.name", hasItem("Database connections health check"))
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check"));
    }

    @Test
    void theOpenApiDocumentDescribesEveryOperation() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths.'/api/invites'.post.summary", equalTo("Invite a visitor to co-browse with an agent"))
                .body("paths.'/api/invites/{id}'.get.summary", containsString("Read an invite"))
                .body("paths.'/api/visitor/invite'.get.summary", containsString("Read the invite"))
                .body("paths.'/api/visitor/invite/accept'.post.summary", containsString("Accept"))
                .body("paths.'/api/visitor/invite/decline'.post.summary", containsString("Decline"))
                .body("paths.'/api/chat-credentials'.post.summary", containsString("chat credential"))
                .body("paths.'/api/requests'.post.summary", containsString("Ask for co-browsing help"))
                .body("paths.'/api/requests'.get.summary", containsString("List"))
                .body("paths.'/api/requests/{id}'.get.summary", containsString("Read"))
                .body("paths.'/api/requests/{id}/accept'.post.summary", containsString("Pick up"))
                .body("paths.'/api/visitor/request'.get.summary", containsString("Read"))
                .body("paths.'/api/mode-requests'.post.summary", containsString("shared"))
                .body("paths.'/api/mode-requests/{id}'.get.summary", containsString("Read"))
                .body("paths.'/api/visitor/mode-request'.get.summary", containsString("Read"))
                .body("paths.'/api/visitor/mode-request/accept'.post.summary", containsString("SHARED"))
                .body("paths.'/api/visitor/mode-request/decline'.post.summary", containsString("Decline"));
    }

    /** Every operation shows an example of its successful answer, so an integrator sees the shape at once. */
    @Test
    void everyOperationHasAnExample() {
        io.restassured.path.json.JsonPath doc = given().when().get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath();
        java.util.Map<String, java.util.Map<String, Object>> paths = doc.getMap("paths");
        java.util.List<String> missing = new java.util.ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            String ok = doc.getMap("paths.'" + path + "'." + method + ".responses").keySet().stream()
                    .filter(code -> String.valueOf(code).startsWith("2")).findFirst().map(String::valueOf).orElse(null);
            Object examples = ok == null ? null : doc.get("paths.'" + path + "'." + method + ".responses.'" + ok
                    + "'.content.'application/json'.examples");
            if (examples == null) {
                missing.add(method + " " + path);
            }
        }));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), missing);
    }
}
