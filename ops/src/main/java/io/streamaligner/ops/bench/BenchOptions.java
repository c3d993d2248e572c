package io.streamaligner.ops.bench;

import java.util.HashMap;
import java.util.Map;

/** The benchmark programs' command-line options: {@code --name value} pairs and repeatable {@code --kafka KEY=VALUE}. */
final class BenchOptions {

    private BenchOptions() {
    }

    /**
     * The value after {@code name}, or {@code fallback} without it. {@code name} last, with no value, is a usage error:
     * the program says so and exits with status 2 rather than run for many minutes with the default.
     */
    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name)) {
                if (i + 1 == args.length) {
                    System.err.println(name + " needs a value (--help lists the options)");
                    System.exit(2);
                }
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** Every {@code --kafka KEY=VALUE}: a Kafka or Streams property over the application's defaults, to try a tuning. */
    static Map<String, String> kafkaOverrides(String[] args) {
        Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--kafka")) {
                String[] keyValue = args[i + 1].split("=", 2);
                overrides.put(keyValue[0], keyValue.length > 1 ? keyValue[1] : "");
            }
        }
        return overrides;
    }
}
