package io.eventbus.transport.kafka;

import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * One node of a {@link KafkaCluster}, run in its own JVM from the test class path: formats its log directory with
 * the cluster's id unless already formatted (a restarted node keeps its data), then runs {@code kafka.Kafka} on the
 * properties file until the process is killed.
 * <p>
 * Arguments: the node's properties file and the cluster id.
 */
public final class KafkaClusterNode {

    private KafkaClusterNode() {
    }

    public static void main(String[] args) {
        String config = args[0];
        String clusterId = args[1];
        int formatted = StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", config, "--ignore-formatted"}, System.out);
        if (formatted != 0) {
            System.err.println("formatting the storage of " + config + " failed: " + formatted);
            System.exit(formatted);
        }
        Kafka.main(new String[] {config});
    }
}
