package dev.dialectic.localstack;

import kafka.tools.StorageTool;

/**
 * Main class of the broker JVM that {@link KafkaBrokerProcess} starts:
 * {@code KafkaBrokerMain <server.properties> <cluster-id>} formats the storage if it is not formatted yet,
 * then runs {@code kafka.Kafka}. Formatting here rather than in a JVM of its own saves a JVM start.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    /** @param args the server.properties path and the cluster id */
    public static void main(String[] args) {
        String serverProperties = args[0];
        String clusterId = args[1];
        // -g (--ignore-formatted): a data dir formatted by an earlier start is kept as it is.
        int formatted;
        try {
            formatted = StorageTool.execute(
                    new String[] {"format", "-g", "-t", clusterId, "-c", serverProperties}, System.out);
        } catch (RuntimeException e) {
            System.err.println("formatting the storage failed: " + e.getMessage());
            formatted = 1;
        }
        if (formatted != 0) {
            System.exit(formatted);
        }
        kafka.Kafka.main(new String[] {serverProperties});
    }
}
