package dev.dialectic.worker;

import dev.dialectic.llm.Completion;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's journey through a worker, on its own virtual thread: decode it, let a {@link ModelCall} run the
 * model under the deadline, limits, timeout and retries, turn its outcome into a published result, and only
 * then report how the request must be acknowledged.
 *
 * <p>Acknowledgements: ACCEPT once a result (success or failure) is durably on {@code persona.results} — also
 * for a request the model refused, which goes to the dlq with a failed result so its task ends now; REJECT for
 * a request that can never be decoded, after it went to the dlq; RELEASE when the worker gives the request back
 * (shutdown, or the result could not be written).
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
    private final ModelCall modelCall;
    private final Clock clock;
    private final AnsweredRequests answered;
    private final Consumer<AcknowledgeType> done;
    private final String component;

    PersonaCall(ConsumerRecord<byte[], byte[]> record, PersonaProfile profile, WorkerSettings settings,
            WorkerOutput output, Deserializer<PersonaRequest> requests, ModelCall modelCall, Clock clock,
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
        this.modelCall = modelCall;
        this.clock = clock;
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
                reject(undecodable);
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
        Instant started = clock.instant();
        ModelCall.Outcome outcome = modelCall.run(Prompts.build(profile, request),
                Optional.ofNullable(request.getDeadlineAt()),
                attempt -> new TokenPublisher(output, settings.tokenBatch(), request, attempt));
        switch (outcome) {
            case ModelCall.Answered answered ->
                    publish(request, success(request, answered.completion(), started, answered.attempts()));
            case ModelCall.Refused refused -> refuse(request, started, refused);
            case ModelCall.GaveUp gaveUp ->
                    publish(request, failure(request, started, gaveUp.attempts(), gaveUp.reason()));
        }
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

    /** Sends an undecodable request to the dlq and rejects it: no worker can ever serve it. */
    private void reject(String reason) throws InterruptedException {
        try {
            output.deadLetter(record, component, reason).get();
            done.accept(AcknowledgeType.REJECT);
        } catch (ExecutionException e) {
            log.warn("could not write the dlq record for {}-{}@{}; releasing it: {}", record.topic(), record.partition(),
                    record.offset(), e.getCause().toString());
            done.accept(AcknowledgeType.RELEASE);
        }
    }

    /**
     * A request the model refused goes to the dlq with the reason, and a failed result ends its task now. It is
     * then accepted, not rejected: it was served (the answer is a refusal), and a rejected request would also
     * reach the share group's dead-letter topic, from which the orchestrator asks again for requests that
     * were never served.
     */
    private void refuse(PersonaRequest request, Instant started, ModelCall.Refused refused)
            throws InterruptedException {
        try {
            output.deadLetter(record, component, refused.reason()).get();
            output.result(failure(request, started, refused.attempts(), refused.reason())).get();
            done.accept(AcknowledgeType.ACCEPT);
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
                .setFinishedAt(clock.instant())
                .setCallAttempts(attempts)
                .setDeliveryCount(record.deliveryCount().map(Short::intValue).orElse(1));
    }
}
