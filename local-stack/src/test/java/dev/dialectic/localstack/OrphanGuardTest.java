package dev.dialectic.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanGuardTest {

    @TempDir
    Path dir;

    /** Stands in for a server: runs until its JVM is told to exit. */
    public static final class BlockForever {
        public static void main(String[] args) throws InterruptedException {
            new CountDownLatch(1).await();
        }
    }

    @Test
    void aChildExitsWhenTheProcessItWatchesDies() throws Exception {
        // The guard watches the pid it is given; a stand-in parent we can kill keeps this JVM alive.
        Process parent = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), BlockForever.class.getName()).start();
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), OrphanGuard.class.getName(),
                Long.toString(parent.pid()), BlockForever.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        try {
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(child::isAlive);

            parent.destroyForcibly();

            await().atMost(Duration.ofSeconds(20)).until(() -> !child.isAlive());
            assertThat(child.exitValue()).isEqualTo(143);
            assertThat(Files.readAllLines(dir.resolve("child.log")))
                    .contains("OrphanGuard: parent process " + parent.pid() + " is gone; shutting down");
        } finally {
            List.of(parent, child).forEach(Process::destroyForcibly);
        }
    }
}
