package dev.dialectic.worker;

import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.Prompt;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's journey through a worker, on its own virtual thread: call the model (with timeout,
 * retries and backoff, never past the task's deadline), publish the result, and only then report how the
 * request must be acknowledged.
 *
 * <p>Outcomes: ACCEPT once a result (success or failure) is durably on {@code persona.results}; REJECT for a
 * request that can never succeed (undecodable, or refused by the model), after it went to the dlq — a failed
 * result is also published when the request could be decoded, so its task ends without waiting for its
 * deadline; RELEASE when the worker gives the request back (shutdown, or the result could not be written).
 */
final class PersonaCall implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(PersonaCall.class);

    private final ConsumerRecord<byte[], byte[]> record;
    private final PersonaProfile profile;
    private final WorkerSettings settings;
    private final WorkerOutput output;
    /** The decoded request, or null when it could not be decoded (one of the two below says why). */
    private final PersonaRequest request;
    /** Why the request can never be decoded: it goes to the dlq. */
    private final String undecodable;
    /** Decoding failed for another reason (say, the registry is down): the request is given back. */
    private final RuntimeException decodingFailure;
    private final ExecutorService modelCalls;
    private final AnsweredRequests answered;
    private final Consumer<AcknowledgeType> done;
    private final String component;

    PersonaCall(ConsumerRecord<byte[], byte[]> record, PersonaProfile profile, WorkerSettings settings,
            WorkerOutput output, Deserializer<PersonaRequest> requests, ExecutorService modelCalls,
            AnsweredRequests answered, Consumer<AcknowledgeType> done) {
        this.record = record;
        this.profile = profile;
        this.settings = settings;
        this.output = output;
        // Decoded here, on the share consumer's platform thread, not in run(): Avro caches its resolving
        // decoder per thread, and each call's fresh virtual thread would build its own, grammar and all.
        PersonaRequest decoded = null;
        String failure = null;
        RuntimeException unexpected = null;
        try {
            decoded = requests.deserialize(record.topic(), record.headers(), record.value());
            if (decoded == null) {
                failure = "value is empty";
            }
        } catch (SerializationException | IllegalArgumentException e) {
            failure = e.getMessage();
        } catch (RuntimeException e) {
            unexpected = e;
        }
        this.request = decoded;
        this.undecodable = failure == null ? null : "request is not a decodable PersonaRequest: " + failure;
        this.decodingFailure = unexpected;
        this.modelCalls = modelCalls;
        this.answered = answered;
        this.done = done;
        this.component = "worker." + profile.persona();
    }

    @Override
    public void run() {
        try {
            if (decodingFailure != null) {
                throw decodingFailure;
            }
            if (request == null) {
                reject(null, undecodable);
                return;
            }
            answer(request);
        } catch (InterruptedException e) {
            done.accept(AcknowledgeType.RELEASE); // shutting down: another worker takes it
        } catch (RuntimeException e) {
            log.error("unexpected failure serving {}-{}@{}; releasing it", record.topic(), record.partition(),
                    record.offset(), e);
            done.accept(AcknowledgeType.RELEASE);
        }
    }

    private void answer(PersonaRequest request) throws InterruptedException {
        if (record.deliveryCount().orElse((short) 1) > 1 && alreadyAnswered(request)) {
            done.accept(AcknowledgeType.ACCEPT);
            return;
        }
        Instant started = Instant.now();
        Prompt prompt = Prompts.build(profile, request);
        Optional<Instant> deadline = Optional.ofNullable(request.getDeadlineAt());
        String lastError = null;
        int attempt = 0;
        while (attempt < settings.retry().maxAttempts()) {
            Duration timeout = settings.callTimeout();
            if (deadline.isPresent()) {
                Duration left = Duration.between(Instant.now(), deadline.get());
                if (left.isNegative() || left.isZero()) {
                    lastError = lastError == null ? "task deadline passed" : lastError + "; then the task deadline passed";
                    break;
                }
                timeout = left.compareTo(timeout) < 0 ? left : timeout;
            }
            attempt++;
            Optional<Duration> retryAfter = Optional.empty();
            ModelGuard.Permit permit;
            try {
                permit = profile.guard().acquire(prompt.text().length() / 4, deadline);
            } catch (LlmException limited) {
                lastError = limited.getMessage();
                if (deadline.isPresent()) {
                    // Waiting for a rate limit or an open circuit is not an attempt at the model; the
                    // deadline bounds the wait.
                    attempt--;
                    backoff(limited.retryAfter().orElse(settings.retry().initialBackoff()), deadline);
                    continue;
                }
                permit = null;
                retryAfter = limited.retryAfter();
            }
            if (permit != null) {
                TokenPublisher tokens = new TokenPublisher(output, settings.tokenBatch(), request, attempt);
                Future<Completion> call = modelCalls.submit(() -> profile.provider().complete(prompt, tokens));
                try {
                    Completion completion = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                    permit.succeeded(completion.outputTokens());
                    tokens.finish();
                    publish(request, success(request, completion, started, attempt));
                    return;
                } catch (TimeoutException e) {
                    call.cancel(true);
                    permit.failed(e);
                    lastError = "model call timed out after " + timeout.toMillis() + " ms";
                } catch (InterruptedException e) {
                    call.cancel(true);
                    permit.abandoned();
                    throw e;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof LlmException failure && !failure.retryable()) {
                        permit.refused();
                        reject(request, "the model refused the request: " + failure.getMessage());
                        return;
                    }
                    permit.failed(e.getCause());
                    if (e.getCause() instanceof LlmException failure) {
                        lastError = failure.getMessage();
                        retryAfter = failure.retryAfter();
                    } else {
                        lastError = "provider error: " + e.getCause();
                    }
                }
            }
            if (attempt < settings.retry().maxAttempts()) {
                log.debug("attempt {} for task {} {} failed, retrying: {}", attempt, request.getTaskId(),
                        request.getStage(), lastError);
                backoff(settings.retry().backoff(attempt + 1, retryAfter), deadline);
            }
        }
        publish(request, failure(request, started, attempt, "gave up after " + attempt + " attempt(s): " + lastError));
    }

    /** Whether an earlier delivery's result is already on persona.results (its worker died before acknowledging). */
    private boolean alreadyAnswered(PersonaRequest request) {
        try {
            Optional<String> earlier = answered.find(request);
            earlier.ifPresent(worker -> log.info("task {} {} attempt {} was already answered by {}; not calling the"
                    + " model again", request.getTaskId(), request.getStage(), request.getAttempt(), worker));
            return earlier.isPresent();
        } catch (RuntimeException e) {
            log.warn("could not check whether task {} {} was already answered; calling the model: {}",
                    request.getTaskId(), request.getStage(), e.toString());
            return false;
        }
    }

    private void backoff(Duration wait, Optional<Instant> deadline) throws InterruptedException {
        Duration sleep = wait;
        if (deadline.isPresent()) {
            Duration left = Duration.between(Instant.now(), deadline.get());
            sleep = left.compareTo(sleep) < 0 ? left : sleep;
        }
        if (!sleep.isNegative() && !sleep.isZero()) {
            Thread.sleep(sleep);
        }
    }

    private void publish(PersonaRequest request, PersonaResult result) throws InterruptedException {
        try {
            output.result(result).get();
            done.accept(AcknowledgeType.ACCEPT);
        } catch (ExecutionException e) {
            log.warn("could not publish the result of task {} {}; releasing the request for another try: {}",
                    request.getTaskId(), request.getStage(), e.getCause().toString());
            done.accept(AcknowledgeType.RELEASE);
        }
    }

    /** Sends the request to the dlq and, when it could be decoded, a failed result so its task ends now. */
    private void reject(PersonaRequest request, String reason) throws InterruptedException {
        try {
            output.deadLetter(record, component, reason).get();
            if (request != null) {
                output.result(failure(request, Instant.now(), 1, reason)).get();
            }
            done.accept(AcknowledgeType.REJECT);
        } catch (ExecutionException e) {
            log.warn("could not write the dlq record for {}-{}@{}; releasing it: {}", record.topic(), record.partition(),
                    record.offset(), e.getCause().toString());
            done.accept(AcknowledgeType.RELEASE);
        }
    }

    private PersonaResult success(PersonaRequest request, Completion completion, Instant started, int attempts) {
        return base(request, started, attempts)
                .setStatus(ResultStatus.SUCCEEDED)
                .setText(completion.text())
                .setModel(completion.model())
                .setFirstTokenAt(completion.firstTokenAt().orElse(null))
                .setInputTokens(completion.inputTokens())
                .setOutputTokens(completion.outputTokens())
                .build();
    }

    private PersonaResult failure(PersonaRequest request, Instant started, int attempts, String error) {
        return base(request, started, attempts).setStatus(ResultStatus.FAILED).setError(error).build();
    }

    private PersonaResult.Builder base(PersonaRequest request, Instant started, int attempts) {
        return PersonaResult.newBuilder()
                .setTaskId(request.getTaskId())
                .setStage(request.getStage())
                .setPersona(profile.persona())
                .setAttempt(request.getAttempt())
                .setProvider(profile.provider().name())
                .setModel(profile.model())
                .setWorkerId(settings.workerId())
                .setStartedAt(started)
                .setFinishedAt(Instant.now())
                .setCallAttempts(attempts)
                .setDeliveryCount(record.deliveryCount().map(Short::intValue).orElse(1));
    }
}
