import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.tandem.local.LocalStack;

/**
 * Starts the local stack for the gateway harnesses through deploy/local's LocalStack, optionally with the
 * second gateway replica (LocalStack#startGatewayReplica, which the launcher's command line does not offer),
 * prints READY and runs until its standard input closes or it gets SIGTERM. A line {@code restart-gateways} on
 * standard input stops both gateway processes and starts them again from relay-gateway/target/quarkus-app
 * (to compare two builds of the gateway on one stack; prints RESTARTED). Run as a single-file program:
 *   java -cp deploy/local/target/tandem-local-launcher.jar bench/gateway/lib/BenchStack.java \
 *        BASE_PORT STATE_DIR REPO REPLICAS
 */
public class BenchStack {
    public static void main(String[] args) throws Exception {
        int basePort = Integer.parseInt(args[0]);
        LocalStack stack = LocalStack.start(new LocalStack.Options(Path.of(args[2]), Path.of(args[1]), basePort, true));
        if (Integer.parseInt(args[3]) > 1) {
            stack.startGatewayReplica();
        }
        System.out.println("READY " + stack.gateway() + " " + stack.gatewayReplica());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            // runs until the harness closes our standard input
            if (line.trim().equals("restart-gateways")) {
                stack.stopService("relay-gateway-2");
                stack.stopService("relay-gateway");
                stack.startService("relay-gateway");
                if (Integer.parseInt(args[3]) > 1) {
                    stack.startGatewayReplica();
                }
                System.out.println("RESTARTED");
                System.out.flush();
            }
        }
        stack.close();
    }
}
