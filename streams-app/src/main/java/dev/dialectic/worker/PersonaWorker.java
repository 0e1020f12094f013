package dev.dialectic.worker;

import dev.dialectic.llm.LlmProvider;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Serves one persona: several share consumers in the persona's share group, one virtual thread per call, at
 * most {@link WorkerSettings#maxInFlight()} calls at once. The model provider only streams tokens; this class
 * and its loops own capacity, timeouts, retries and locks.
 */
public final class PersonaWorker implements AutoCloseable {

    private final PersonaProfile profile;
    private final List<ShareConsumerLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService modelCalls = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore capacity;
    private final AtomicInteger running = new AtomicInteger();

    PersonaWorker(PersonaProfile profile, WorkerSettings settings, Topics topics, WorkerOutput output,
            AnsweredRequests answered, Map<String, Object> consumerConfig, Function<Map<String, Object>, ShareConsumer<byte[], byte[]>> consumers,
            Duration shutdownGrace) {
        this.profile = profile;
        this.capacity = new Semaphore(settings.maxInFlight());
        Semaphore overdraft = new Semaphore(settings.maxInFlight());
        Fetchers fetchers = new Fetchers();
        String topic = topics.persona(profile.persona()).name();
        Deserializer<PersonaRequest> requests = topics.persona(profile.persona()).valueSerde().deserializer();
        Clock clock = Clock.systemUTC();
        ModelCall modelCall = new ModelCall(profile, settings.callTimeout(), settings.retry(), modelCalls, clock,
                Thread::sleep);
        for (int i = 0; i < settings.consumers(); i++) {
            Map<String, Object> config = new HashMap<>(consumerConfig);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(topics, profile.persona()));
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix(settings.workerId(), profile.persona()) + i);
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());
            config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
            config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
            // An idle consumer's fetch waits at the broker until requests arrive (it is answered at once then);
            // the 500 ms default makes dozens of idle consumers cost a whole core in empty fetches.
            config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5_000);
            String name = "worker-" + profile.persona() + "-" + i;
            loops.add(new ShareConsumerLoop(consumers.apply(config), topic, capacity, overdraft, fetchers,
                    settings.batchSize(),
                    (record, done) -> {
                        PersonaCall call =
                                new PersonaCall(record, profile, settings, output, requests, modelCall, clock, answered,
                                        done);
                        return calls.submit(() -> {
                            running.incrementAndGet();
                            try {
                                call.run();
                            } finally {
                                running.decrementAndGet();
                            }
                        });
                    },
                    shutdownGrace, name));
        }
    }

    /** The share group of {@code persona}'s workers. */
    public static String groupId(Topics topics, String persona) {
        return topics.prefix() + "worker." + persona;
    }

    /** The start of the client id of every share consumer of {@code persona} in worker process {@code workerId}. */
    public static String clientIdPrefix(String workerId, String persona) {
        return workerId + "-" + persona + "-";
    }

    /** A factory of real share consumers reading raw bytes (requests are decoded per call, so poison is isolated). */
    static ShareConsumer<byte[], byte[]> kafkaConsumer(Map<String, Object> config) {
        return new KafkaShareConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Starts the consumer loops, each on its own platform thread. */
    void start() {
        for (int i = 0; i < loops.size(); i++) {
            Thread thread = Thread.ofPlatform().name("worker-" + profile.persona() + "-" + i).start(loops.get(i));
            threads.add(thread);
        }
    }

    /** The model provider answering this persona. */
    LlmProvider provider() {
        return profile.provider();
    }

    /** The persona served, with its provider, prompt and model limits. */
    public PersonaProfile profile() {
        return profile;
    }

    /** The persona served. */
    public String persona() {
        return profile.persona();
    }

    /** Requests being served now: from the moment they were handed to a call until that call ended. */
    public int inFlight() {
        return running.get();
    }

    /** Stops fetching, lets running calls finish within the grace period, releases the rest, and waits. */
    @Override
    public void close() {
        loops.forEach(ShareConsumerLoop::stop);
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        calls.shutdownNow();
        modelCalls.shutdownNow();
    }
}
