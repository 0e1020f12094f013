package dev.dialectic.serde;

import dev.dialectic.schema.CacheEntry;
import dev.dialectic.schema.Control;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskState;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.schema.TokenChunk;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One fully populated record of every generated type. Every field is set, including those with defaults:
 * a builder filling an enum default or deep-copying a record needs JVM-wide trust (see AvroClassTrust),
 * which these tests must not depend on.
 */
final class Samples {

  static final Instant T0 = Instant.ofEpochMilli(1_760_000_000_123L);

  private Samples() {
  }

  static Task task(String taskId) {
    return Task.newBuilder()
        .setTaskId(taskId)
        .setGoal("Should cities ban cars from their centres?")
        .setContext("Think of deliveries and emergency services.")
        .setMode("parallel")
        .setSubmittedAt(T0)
        .setTimeoutMs(60_000L)
        .setAttributes(Map.of("team", "urbanism", "tone", "calm"))
        .build();
  }

  static PersonaRequest personaRequest() {
    return PersonaRequest.newBuilder()
        .setTaskId("t-1")
        .setStage("synthesis")
        .setPersona("synthesis")
        .setAttempt(2)
        .setGoal("goal")
        .setContext(null)
        .setInputs(List.of(personaInput("thesis"), personaInput("antithesis")))
        .setVariant("canary-a")
        .setRequestedAt(T0.plusMillis(10))
        .setDeadlineAt(T0.plusSeconds(60))
        .setAttributes(Map.of("intent", "decide"))
        .build();
  }

  static PersonaResult personaResult(String stage) {
    return PersonaResult.newBuilder()
        .setTaskId("t-1")
        .setStage(stage)
        .setPersona(stage)
        .setAttempt(1)
        .setStatus(ResultStatus.SUCCEEDED)
        .setText("The " + stage + " says so.")
        .setError(null)
        .setProvider("simulated")
        .setModel("sim-1")
        .setWorkerId("worker-7")
        .setStartedAt(T0.plusMillis(20))
        .setFirstTokenAt(T0.plusMillis(250))
        .setFinishedAt(T0.plusMillis(9_000))
        .setInputTokens(120)
        .setOutputTokens(480)
        .setCallAttempts(1)
        .setDeliveryCount(1)
        .setCacheHit(false)
        .build();
  }

  static TokenChunk tokenChunk() {
    return TokenChunk.newBuilder()
        .setTaskId("t-1")
        .setStage("thesis")
        .setAttempt(1)
        .setSeq(3)
        .setCallAttempt(2)
        .setText(" tokens é ü 漢")
        .setLast(true)
        .setEmittedAt(T0.plusMillis(300))
        .build();
  }

  static SynthesisResult synthesisResult() {
    return SynthesisResult.newBuilder()
        .setTaskId("t-1")
        .setStatus(ResultStatus.PARTIAL)
        .setText("Both have a point.")
        .setReason("antithesis timed out")
        .setGoal("goal")
        .setMode("sequential")
        .setVariant("baseline")
        .setOutputs(Map.of("thesis", "yes", "synthesis", "Both have a point."))
        .setSubmittedAt(T0)
        .setFinishedAt(T0.plusSeconds(18))
        .setFellBack(true)
        .setVerdict("passed")
        .setVerdictFeedback(null)
        .setCachedStages(List.of("thesis"))
        .setSavedMs(4_500)
        .build();
  }

  static TaskLedger taskLedger() {
    return TaskLedger.newBuilder()
        .setTaskId("t-1")
        .setGoal("goal")
        .setVariant("baseline")
        .setMode("parallel")
        .setStatus(TaskStatus.SUCCEEDED)
        .setSubmittedAt(T0)
        .setAcceptedAt(T0.plusMillis(5))
        .setDeadlineAt(T0.plusSeconds(60))
        .setFinishedAt(T0.plusSeconds(18))
        .setReason(null)
        .setStages(List.of(stageTiming("thesis"), stageTiming("antithesis")))
        .setTransitions(7)
        .setAttributes(Map.of("team", "urbanism"))
        .setRequestedMode("adaptive")
        .setComplexity(2.5)
        .setFallbackStage("antithesis")
        .setFallbackReason("simulated 503")
        .setFellBackAt(T0.plusSeconds(3))
        .setVerdicts(List.of("pass 1 failed by rules: The answer is empty.", "pass 2 passed by rules"))
        .setResonance(Map.of("tone", "calm"))
        .setNotes(List.of("complexity 2.5 (attribute) < 5.0: parallel"))
        .build();
  }

  static Control control() {
    return Control.newBuilder()
        .setName("canary.percent")
        .setValue("10")
        .setUpdatedAt(T0)
        .setUpdatedBy("auto-rollback")
        .setReason("error rate above 5%")
        .build();
  }

  static TaskState taskState() {
    return TaskState.newBuilder()
        .setTask(task("t-1"))
        .setLedger(taskLedger())
        .setOutputs(Map.of("thesis", personaResult("thesis"), "antithesis", personaResult("antithesis")))
        .setDone(true)
        .setMinAttempts(Map.of("synthesis", 2))
        .setFeedback("The answer is empty.")
        .setCacheKeys(Map.of("synthesis", "9f2c"))
        .build();
  }

  static CacheEntry cacheEntry() {
    return CacheEntry.newBuilder()
        .setPersona("thesis")
        .setText("Thesis: yes.")
        .setProvider("simulated")
        .setModel("sim-1")
        .setCreatedAt(T0)
        .setCallMs(4_500)
        .setOutputTokens(80)
        .build();
  }

  /** One record of every top-level generated type (a value of some topic or store). */
  static List<SpecificRecord> everyType() {
    return List.of(task("t-1"), personaRequest(), personaResult("thesis"), tokenChunk(), synthesisResult(),
        taskLedger(), control(), taskState(), cacheEntry());
  }

  private static PersonaInput personaInput(String stage) {
    return PersonaInput.newBuilder().setStage(stage).setPersona(stage).setText(stage + " text").build();
  }

  private static StageTiming stageTiming(String stage) {
    return StageTiming.newBuilder()
        .setStage(stage)
        .setPersona(stage)
        .setStatus(StageStatus.SUCCEEDED)
        .setAttempts(1)
        .setRequestedAt(T0.plusMillis(6))
        .setStartedAt(T0.plusMillis(20))
        .setFirstTokenAt(T0.plusMillis(250))
        .setFinishedAt(T0.plusMillis(9_000))
        .setRecordedAt(T0.plusMillis(9_010))
        .setInputTokens(120)
        .setOutputTokens(480)
        .setModel("sim-1")
        .setWorkerId("worker-7")
        .setCacheHit(false)
        .setSavedMs(0)
        .setError(null)
        .build();
  }
}
