package dev.tandem.local;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One child process of the stack (Keycloak or a service): its own clean environment, stdout and stderr
 * appended to one log file, stopped with SIGTERM and then SIGKILL, together with every process it
 * started (kc.sh runs Keycloak's JVM as its child).
 */
final class ChildProcess {

    private static final System.Logger LOG = System.getLogger(ChildProcess.class.getName());
    /** What the children inherit from the launcher's environment; everything else is set explicitly. */
    private static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR");

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path workDir;
    private final Path logFile;
    private volatile Process process;
    private volatile boolean stopping;

    ChildProcess(String name, List<String> command, Map<String, String> environment, Path workDir, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.workDir = workDir;
        this.logFile = logFile;
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    synchronized void start() {
        if (isAlive()) {
            return;
        }
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "==== " + Instant.now() + " tandem-local starts " + name + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(withOwnSession(command))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            File devNull = new File("/dev/null");
            if (devNull.exists()) {
                builder.redirectInput(devNull);
            }
            Map<String, String> env = builder.environment();
            Map<String, String> parent = Map.copyOf(env);
            env.clear();
            for (String key : INHERITED) {
                if (parent.containsKey(key)) {
                    env.put(key, parent.get(key));
                }
            }
            env.putAll(environment);
            stopping = false;
            Process started = builder.start();
            process = started;
            started.onExit().thenAccept(p -> {
                if (!stopping) {
                    LOG.log(Level.WARNING, "{0} exited by itself with code {1}; see {2}", name,
                            String.valueOf(p.exitValue()), logFile);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + " (" + command.getFirst() + ")", e);
        }
    }

    /**
     * Runs the command in a session of its own where setsid(1) exists (Linux), so that Ctrl-C in the
     * launcher's terminal reaches only the launcher, which then stops its children in order. setsid
     * execs the command in the same process, so the pid stays the command's.
     */
    private static List<String> withOwnSession(List<String> command) {
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                List<String> wrapped = new ArrayList<>(command.size() + 1);
                wrapped.add(setsid);
                wrapped.addAll(command);
                return wrapped;
            }
        }
        return command;
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The exit code, or -1 while it runs or before it started. */
    int exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? -1 : p.exitValue();
    }

    /** SIGTERM to the process and its descendants, SIGKILL to whatever is left after {@code grace}. */
    void stop(Duration grace) {
        Process p = process;
        if (p == null) {
            return;
        }
        stopping = true;
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        if (!awaitExit(tree, grace)) {
            LOG.log(Level.WARNING, "{0} did not stop within {1} s; killing it", name, String.valueOf(grace.toSeconds()));
            Stream.concat(p.descendants(), tree.stream()).filter(ProcessHandle::isAlive)
                    .forEach(ProcessHandle::destroyForcibly);
            awaitExit(tree, Duration.ofSeconds(10));
        }
    }

    /**
     * SIGKILL to the process and its descendants at once, as a crash would end it (no shutdown hooks, no
     * goodbye to its clients); returns when they are gone.
     */
    void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        stopping = true;
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitExit(tree, Duration.ofSeconds(10));
    }

    /** Waits for all to exit, at most {@code timeout}; an interrupt does not cut the wait short (it is kept). */
    private static boolean awaitExit(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            for (ProcessHandle handle : handles) {
                while (true) {
                    try {
                        handle.onExit().get(Math.max(deadline - System.nanoTime(), 1), TimeUnit.NANOSECONDS);
                        break;
                    } catch (TimeoutException e) {
                        return false;
                    } catch (ExecutionException e) {
                        break; // cannot happen for onExit
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The last {@code lines} lines of the log (for error messages). */
    String logTail(int lines) {
        return tail(logFile, lines);
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log at " + file + ")";
        }
        Deque<String> last = new ArrayDeque<>(lines);
        // InputStreamReader replaces malformed bytes instead of failing like Files.lines
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (last.size() == lines) {
                    last.removeFirst();
                }
                last.addLast(line);
            }
        } catch (IOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
        return String.join("\n", last);
    }
}
