package io.streamaligner.ops.faults;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What goes wrong in a {@link FaultRun}, once its trigger is reached. */
public interface Fault {

    /** How long a killed instance's restart may take to serve again. */
    Duration RESTART_TIMEOUT = Duration.ofMinutes(2);

    /**
     * Makes it go wrong; returns the prompts partitions it stalled, whose next response event measures the recovery.
     *
     * @param instances the running instances, the first one the victim of a kill
     */
    Set<Integer> inject(List<ApplicationProcess> instances) throws Exception;

    /** A word for the report: {@code survivor}, {@code restart}, ... */
    String name();

    /**
     * {@code kill -9} of the first instance; with {@code restart} it is started again at once on its data directory,
     * else the others take its tasks over. Stalls the partitions it ran.
     */
    static Fault killFirstInstance(boolean restart) {
        return new Fault() {
            @Override
            public Set<Integer> inject(List<ApplicationProcess> instances) throws Exception {
                ApplicationProcess victim = instances.get(0);
                Set<Integer> partitions = new TreeSet<>(victim.activePartitions());
                victim.kill();
                if (restart) {
                    victim.restart();
                }
                return partitions;
            }

            @Override
            public String name() {
                return restart ? "restart" : "survivor";
            }
        };
    }
}
