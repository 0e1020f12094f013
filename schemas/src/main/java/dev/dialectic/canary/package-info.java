/**
 * Canary releases, as pure decisions: which partitions of {@code tasks} run the canary variant
 * ({@link dev.dialectic.canary.CanaryState}), which control records may change that
 * ({@link dev.dialectic.canary.ControlRules}), how the canary's figures are gathered from the ledger
 * ({@link dev.dialectic.canary.LedgerWindow}) and judged ({@link dev.dialectic.canary.RollbackRule}), and what the
 * decision-maker writes back ({@link dev.dialectic.canary.CanaryDecisions}: a rollback, or the next step of a
 * {@link dev.dialectic.canary.Ramp}). No Kafka here: the service's orchestrator, its decision-maker and the CLI
 * all apply these same rules, so they agree on every setting and every share.
 */
package dev.dialectic.canary;
