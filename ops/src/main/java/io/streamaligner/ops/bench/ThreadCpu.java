package io.streamaligner.ops.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CPU time of this JVM's threads, summed by kind: a thread's name with the run's application id and every number
 * taken out ({@code APP-StreamThread-N}, {@code openai-http-N}), so that the threads of one run add up and runs
 * compare. Threads that end between two snapshots are not counted.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The benchmark's application ids (and Streams' client ids built on them). */
    private static final Pattern APPLICATION = Pattern.compile("http-vs-embedded-[0-9a-f]{8}(-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})?");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");

    private ThreadCpu() {
    }

    /** Nanoseconds of CPU time so far, by kind of thread. */
    static Map<String, Long> snapshot() {
        Map<String, Long> byKind = new HashMap<>();
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread == null) {
                continue; // ended meanwhile
            }
            long cpu = THREADS.getThreadCpuTime(thread.getThreadId());
            if (cpu >= 0) {
                byKind.merge(kind(thread.getThreadName()), cpu, Long::sum);
            }
        }
        return byKind;
    }

    /** Milliseconds of CPU time per answer between two snapshots, by kind of thread. */
    static Map<String, Double> msPerAnswer(Map<String, Long> before, Map<String, Long> after, int answers) {
        Map<String, Double> perAnswer = new HashMap<>();
        after.forEach((kind, nanos) -> perAnswer.put(kind, (nanos - before.getOrDefault(kind, 0L)) / 1e6 / answers));
        return perAnswer;
    }

    static String kind(String threadName) {
        String kind = APPLICATION.matcher(threadName).replaceAll("APP");
        return NUMBER.matcher(kind).replaceAll("N").replaceAll("\\s+", "_");
    }
}
