package io.streamaligner.ops.faults;

import io.streamaligner.topology.broker.EmbeddedKafkaBroker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How fast the application recovers from {@code kill -9} of an instance (ops/faults/failover.sh): a broker in this
 * process, {@code --instances} (2) {@code run} processes from the runnable jar sharing its partitions, 100 greedy toy
 * questions at once, and after the 10th answer a SIGKILL of the first instance; in mode {@code survivor} the others
 * take its tasks over, in mode {@code restart} it is started again at once on its data directory. Prints
 * <pre>failover finals=N/N duplicates=D recovery_s=R</pre>
 * where R is the time from the kill until every partition the killed instance ran (with requests under way) wrote a
 * response event again.
 *
 * <pre>
 * failover.sh [--mode survivor|restart] [--instances 2] [--requests 100] [--kill-after 10] [--partitions 4]
 *             [--jar topology/target/stream-aligner.jar] [--work-dir DIR] [--set KEY=VALUE ...] [--broker KEY=VALUE ...]
 * </pre>
 * {@code --set} passes a setting to every instance ({@code -D}), {@code --broker} a property to the broker: to try a
 * tuning.
 */
public final class Failover {

    private Failover() {
    }

    public static void main(String[] args) throws Exception {
        String mode = option(args, "--mode", "survivor");
        if (!mode.equals("survivor") && !mode.equals("restart")) {
            throw new IllegalArgumentException("--mode is survivor or restart, not " + mode);
        }
        int instances = Integer.parseInt(option(args, "--instances", "2"));
        int requests = Integer.parseInt(option(args, "--requests", "100"));
        int killAfter = Integer.parseInt(option(args, "--kill-after", "10"));
        int partitions = Integer.parseInt(option(args, "--partitions", "4"));
        Path jar = Path.of(option(args, "--jar", "topology/target/stream-aligner.jar"));
        Path workDir = Path.of(option(args, "--work-dir", Files.createTempDirectory("failover-").toString()));
        List<String> settings = repeated(args, "--set");
        List<String> brokerSettings = repeated(args, "--broker");
        Map<String, String> brokerProperties = new LinkedHashMap<>();
        for (String setting : brokerSettings) {
            String[] keyValue = setting.split("=", 2);
            brokerProperties.put(keyValue[0], keyValue.length > 1 ? keyValue[1] : "");
        }
        FaultRun.Setup setup = new FaultRun.Setup(jar, workDir, instances, partitions, requests, killAfter, settings,
                Duration.ofMinutes(10));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, workDir.resolve("broker"), brokerProperties)) {
            FaultRun.Outcome outcome = FaultRun.run(broker.bootstrapServers(), setup, Fault.killFirstInstance(mode.equals("restart")));
            System.out.println("mode=" + mode + " instances=" + instances + " partitions=" + partitions + " killed_partitions="
                    + outcome.stalledPartitions() + " recovery_s_by_partition=" + outcome.recoveryByPartition()
                    + (settings.isEmpty() ? "" : " settings=" + settings) + (brokerSettings.isEmpty() ? "" : " broker=" + brokerSettings)
                    + " logs=" + workDir);
            if (!outcome.errors().isEmpty()) {
                System.out.println("errors: " + outcome.errors());
            }
            System.out.println(outcome.line("failover"));
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static List<String> repeated(String[] args, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                values.add(args[i + 1]);
            }
        }
        return values;
    }
}
