package dev.tandem.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * Kafka and PostgreSQL run in the launcher's JVM (PostgreSQL as its child); their SLF4J logs reach
 * java.util.logging when slf4j-jdk14 is on the class path (the packaged launcher) and go to
 * {@code logs/kafka.log} and {@code logs/postgres.log} instead of the console. Without that binding
 * (a test JVM with its own), nothing here has any effect.
 */
final class InJvmLogs implements AutoCloseable {

    /** Strong references: java.util.logging keeps loggers only weakly. */
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Handler> handlers = new ArrayList<>();

    static InJvmLogs attach(Path logDir) {
        InJvmLogs logs = new InJvmLogs();
        logs.route(logDir.resolve("kafka.log"), "kafka", "org.apache.kafka", "state.change.logger");
        logs.route(logDir.resolve("postgres.log"), "io.zonky", "initdb", "pg_ctl", "postgres");
        return logs;
    }

    private void route(Path file, String... loggerNames) {
        OutputStream out;
        try {
            Files.createDirectories(file.getParent());
            out = Files.newOutputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        Handler handler = new StreamHandler(out, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        handlers.add(handler);
        for (String name : loggerNames) {
            Logger logger = Logger.getLogger(name);
            logger.setUseParentHandlers(false);
            logger.setLevel(Level.INFO);
            logger.addHandler(handler);
            loggers.add(logger);
        }
    }

    @Override
    public void close() {
        for (Logger logger : loggers) {
            for (Handler handler : handlers) {
                logger.removeHandler(handler);
            }
            logger.setUseParentHandlers(true);
        }
        handlers.forEach(Handler::close);
    }
}
