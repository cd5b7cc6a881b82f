package dev.tandem.session.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.session.config.SessionConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Ends live sessions whose join window, inactivity timeout or away grace has passed. The deadlines are in the
 * database, so nothing is lost in a restart, and each sweep takes the due rows with FOR UPDATE SKIP LOCKED,
 * so several replicas sweep side by side without ending a session twice.
 */
@ApplicationScoped
public class TimeoutSweeper {

    private final SessionService sessions;
    private final SessionConfig config;

    public TimeoutSweeper(SessionService sessions, SessionConfig config) {
        this.sessions = sessions;
        this.config = config;
    }

    @Scheduled(every = "${session.sweeper.interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "session-timeout-sweeper")
    Uni<Void> sweep() {
        return sessions.endDue(Instant.now(), config.sweeper().batchSize())
                .invoke(n -> {
                    if (n > 0) {
                        Log.debugf("timeout sweep ended %d session(s)", n);
                    }
                })
                .onFailure().invoke(e -> Log.warnf("timeout sweep failed, will retry: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
