package dev.tandem.e2e.faults;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The stack's service processes, as the operating system sees them: for a hard kill. */
public final class Processes {

    private Processes() {
    }

    /**
     * Kills a service of the stack this JVM started at once (SIGKILL: no shutdown hook, nothing flushed),
     * and waits until it is gone. Only this JVM's own descendants are looked at.
     */
    public static void killHard(String service) {
        String jar = "/" + service + "/target/quarkus-app/quarkus-run.jar";
        List<ProcessHandle> found = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(jar))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + service + " process of this stack, found " + found.size());
        }
        ProcessHandle process = found.getFirst();
        process.destroyForcibly();
        try {
            process.onExit().get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(service + " did not die", e);
        }
    }
}
