package io.eventbus.transport.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RedisService.ClusterGroup} for a whole test class: started before its first test in a directory of its
 * own, killed and deleted after its last. Register it as a static {@code @RegisterExtension} field.
 */
final class RedisClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private RedisService.ClusterGroup cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("redis-cluster");
        cluster = new RedisService.ClusterGroup(dir).start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    RedisService.ClusterGroup cluster() {
        return cluster;
    }
}
