package io.streamaligner.topology.broker;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running inside this JVM,
 * built from Kafka's own server classes. It is the embedded default of the application when no
 * {@code bootstrap.servers} is given, the {@code broker} subcommand, and the broker of the integration
 * tests.
 *
 * <p>Internal topics are configured for one node (replication factor 1, min ISR 1), so consumer groups and
 * transactions, hence {@code exactly_once_v2}, work. The broker listens on the loopback interface only.
 * Its data lives under a directory of your choice, which it formats on first use and reuses after; with
 * none given it uses a temporary directory that {@link #close()} deletes.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
 *     broker.createTopics(4, List.of("prompts", "responses"));
 *     String bootstrapServers = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** The internal topics' default of 50 partitions each costs seconds of start-up on a small machine. */
    private static final int INTERNAL_TOPIC_PARTITIONS = 5;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir, boolean deleteDataDirOnClose) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
    }

    /** Starts a broker on free ports with its data in a temporary directory. */
    public static EmbeddedKafkaBroker start() {
        return start(0);
    }

    /**
     * Starts a broker with its data in a temporary directory that {@link #close()} deletes.
     *
     * @param port the client port, or 0 for a free one
     */
    public static EmbeddedKafkaBroker start(int port) {
        int clientPort = clientPort(port);
        return start(clientPort, KraftDataDirectory.createTemporary(), true, Map.of());
    }

    /**
     * Starts a broker whose data outlives it: a new directory is formatted, one from an earlier run is
     * reused with its topics and records.
     *
     * @param port the client port, or 0 for a free one (the controller always takes a free one)
     * @param dataDir where the broker keeps its logs and metadata
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir) {
        return start(port, dataDir, Map.of());
    }

    /**
     * As {@link #start(int, Path)}, with broker properties over this class's own (to try a broker setting).
     *
     * @param overrides broker properties, e.g. {@code group.min.session.timeout.ms}
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir, Map<String, String> overrides) {
        requireNonNull(dataDir, "dataDir");
        requireNonNull(overrides, "overrides");
        return start(clientPort(port), dataDir.toAbsolutePath(), false, overrides);
    }

    /**
     * Starts the broker and waits until it serves requests (about five seconds). A temporary data
     * directory is deleted again when the start fails.
     *
     * @throws EmbeddedBrokerException if the broker cannot be set up or does not become ready in time
     */
    private static EmbeddedKafkaBroker start(int clientPort, Path dataDir, boolean temporary, Map<String, String> overrides) {
        KafkaRaftServer server;
        try {
            Properties serverProperties = serverProperties(clientPort, freePort(), dataDir.resolve("logs"));
            serverProperties.putAll(overrides);
            KraftDataDirectory.formatIfNew(dataDir, serverProperties);
            server = new KafkaRaftServer(new KafkaConfig(serverProperties), Time.SYSTEM);
        } catch (RuntimeException e) {
            if (temporary) {
                KraftDataDirectory.delete(dataDir);
            }
            throw e instanceof EmbeddedBrokerException ? e : new EmbeddedBrokerException("cannot set up a broker in " + dataDir, e);
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, HOST + ":" + clientPort, dataDir, temporary);
        try {
            server.startup();
            broker.awaitReady();
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e instanceof EmbeddedBrokerException ? e : new EmbeddedBrokerException("broker failed to start in " + dataDir, e);
        }
    }

    /** The port to listen on: a free one for 0; a requested one only if it is free, to fail early and clearly. */
    private static int clientPort(int requested) {
        if (requested < 0 || requested > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + requested);
        }
        if (requested == 0) {
            return freePort();
        }
        try (ServerSocket socket = new ServerSocket(requested, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return requested;
        } catch (IOException e) {
            throw new EmbeddedBrokerException("port " + requested + " on " + HOST + " is in use", e);
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory holding the broker's logs and metadata. */
    public Path dataDir() {
        return dataDir;
    }

    /** Creates the topics (replication factor 1) that do not exist yet; existing ones are left as they are. */
    public void createTopics(int partitions, Collection<String> topicNames) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        requireNonNull(topicNames, "topicNames");
        List<NewTopic> topics = topicNames.stream().map(name -> new NewTopic(name, partitions, (short) 1)).toList();
        try (Admin admin = newAdmin()) {
            admin.createTopics(topics).values().forEach((name, created) -> {
                try {
                    created.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new EmbeddedBrokerException("cannot create topic " + name, e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EmbeddedBrokerException("interrupted while creating topic " + name, e);
                } catch (TimeoutException e) {
                    throw new EmbeddedBrokerException("timed out creating topic " + name, e);
                }
            });
        }
    }

    /** Creates one topic, unless it exists. */
    public void createTopic(String topicName, int partitions) {
        createTopics(partitions, List.of(requireNonNull(topicName, "topicName")));
    }

    /** Stops the broker, waits until it has stopped, and deletes a temporary data directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteDataDirOnClose) {
                KraftDataDirectory.delete(dataDir);
            }
        }
    }

    private Admin newAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** startup() returns before the broker is fenced in; a cluster description proves it answers. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = newAdmin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(1, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new EmbeddedBrokerException("broker at " + bootstrapServers + " not ready after " + READY_TIMEOUT, e);
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedBrokerException("interrupted while waiting for the broker", e);
        }
    }

    private static Properties serverProperties(int clientPort, int controllerPort, Path logDir) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // One node: every internal topic must make do with one replica, or groups and transactions fail.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Tests and the demo start consumer groups often; the default 3 s delay would add up.
        props.put("group.initial.rebalance.delay.ms", "0");
        // Failover in seconds (ops/faults/failover.sh): the application's 3 s sessions need a lower minimum than the
        // default 6 s, and a dead instance's timed-out transaction is aborted within half a second of its timeout
        // instead of up to 10 s later.
        props.put("group.min.session.timeout.ms", "1000");
        props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500");
        return props;
    }

    /** A port free now; the tiny race until the broker binds it is acceptable for a local broker. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedBrokerException("no free port on " + HOST, e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers + ", data in " + dataDir + "]";
    }
}
