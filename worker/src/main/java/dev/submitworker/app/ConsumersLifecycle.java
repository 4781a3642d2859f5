package dev.submitworker.app;

import dev.submitworker.kafka.CommandConsumers;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the consumers once the context is ready (topics checked first), and stops them first on shutdown: on
 * SIGTERM each settles what it has under way, within the grace period, before it leaves the group.
 */
final class ConsumersLifecycle implements SmartLifecycle {

    private final CommandConsumers consumers;
    private final Map<String, Object> adminConfig;
    private final Duration grace;
    private volatile boolean running;

    ConsumersLifecycle(CommandConsumers consumers, Map<String, Object> adminConfig, Duration grace) {
        this.consumers = consumers;
        this.adminConfig = adminConfig;
        this.grace = grace;
    }

    @Override
    public void start() {
        try (Admin admin = Admin.create(adminConfig)) {
            consumers.start(admin);
        }
        running = true;
    }

    @Override
    public void stop() {
        consumers.stop(grace);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
