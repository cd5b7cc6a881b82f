package dev.tandem.session;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The test resource of every test class here: the real PostgreSQL and Kafka of
 * {@link dev.tandem.infra.test.TandemInfraResource}, but one pair for the whole test JVM, also across test
 * profiles (see {@link TestInfra}), so that a service restarted under another profile finds its data.
 */
public class SharedInfraResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestInfra.sharedConfig();
    }

    @Override
    public void stop() {
        // kept for the next test class and profile; stopped when the JVM exits
    }
}
