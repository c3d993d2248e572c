package io.streamaligner.topology.app;

import io.streamaligner.client.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the loop's topics that do not exist yet, with the configured partitions and the cluster's default
 * replication factor, and checks that {@code prompts} and {@code feedback} have the same number of partitions:
 * a request's prompt and its feedback must meet in one task (see {@link Topics}). Existing topics are left alone.
 */
public final class TopicCreator {

    private TopicCreator() {
    }

    /**
     * @throws ApplicationStartException when a topic cannot be created or described within {@code timeout}, or
     *                                   prompts and feedback differ in partitions
     */
    public static void createMissing(Admin admin, Topics topics, int partitions, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(timeout, "timeout");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.names().stream()
                    .filter(name -> !existing.contains(name))
                    .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
                    .toList();
            if (!missing.isEmpty()) {
                for (var created : admin.createTopics(missing).values().entrySet()) {
                    try {
                        created.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        // another instance created it meanwhile
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new ApplicationStartException("cannot create topic " + created.getKey(), e.getCause());
                        }
                    }
                }
            }
            Map<String, TopicDescription> loop = describeOnceKnown(admin, List.of(topics.prompts().name(),
                    topics.feedback().name()), timeout);
            int prompts = loop.get(topics.prompts().name()).partitions().size();
            int feedback = loop.get(topics.feedback().name()).partitions().size();
            if (prompts != feedback) {
                throw new ApplicationStartException("topics " + topics.prompts().name() + " (" + prompts + " partitions) and "
                        + topics.feedback().name() + " (" + feedback + ") must have the same number of partitions: "
                        + "a request's prompt and its feedback are processed by one task");
            }
        } catch (ExecutionException e) {
            throw new ApplicationStartException("cannot list, create or describe the loop's topics", e.getCause());
        } catch (TimeoutException e) {
            throw new ApplicationStartException("Kafka did not answer within " + timeout + " while creating the loop's topics"
                    + " (is bootstrap.servers right?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplicationStartException("interrupted while creating the loop's topics", e);
        }
    }

    /** Describes the topics, retrying while the broker does not know them yet (creation completes before its metadata spreads). */
    private static Map<String, TopicDescription> describeOnceKnown(Admin admin, List<String> names, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
