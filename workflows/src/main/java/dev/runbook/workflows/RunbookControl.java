package dev.runbook.workflows;

import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.DecisionRequest;
import dev.runbook.workflows.model.DisarmRequest;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.Refusal;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Vote;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;

/**
 * What people do to a running runbook, shared by every runbook type. Approve, reject, decide and
 * cancel are Updates with validators, so a refused vote is answered at once with its reason; the
 * signal variants serve tools that can only signal (a refused signal is recorded, not answered).
 */
public interface RunbookControl {
  String APPROVE = "approve";
  String REJECT = "reject";
  String DECIDE = "decide";
  String CANCEL = "cancel";
  String DISARM = "disarm";

  @QueryMethod(name = "status")
  RunStatus status();

  @UpdateMethod(name = APPROVE)
  Receipt approve(Vote vote);

  @UpdateValidatorMethod(updateName = APPROVE)
  void validateApprove(Vote vote);

  @UpdateMethod(name = REJECT)
  Receipt reject(Vote vote);

  @UpdateValidatorMethod(updateName = REJECT)
  void validateReject(Vote vote);

  @UpdateMethod(name = DECIDE)
  Receipt decide(DecisionRequest decision);

  @UpdateValidatorMethod(updateName = DECIDE)
  void validateDecide(DecisionRequest decision);

  @UpdateMethod(name = CANCEL)
  Receipt cancel(CancelRequest request);

  @UpdateValidatorMethod(updateName = CANCEL)
  void validateCancel(CancelRequest request);

  /**
   * Stops an armed run in its fix-forward window: nothing changes and the run ends as disarmed. A
   * person may disarm any armed run; a resolved alert only the run its own route armed.
   */
  @UpdateMethod(name = DISARM)
  Receipt disarm(DisarmRequest request);

  @UpdateValidatorMethod(updateName = DISARM)
  void validateDisarm(DisarmRequest request);

  @SignalMethod(name = "approve-signal")
  void approveSignal(Vote vote);

  @SignalMethod(name = "reject-signal")
  void rejectSignal(Vote vote);

  @SignalMethod(name = "decide-signal")
  void decideSignal(DecisionRequest decision);

  @SignalMethod(name = "disarm-signal")
  void disarmSignal(DisarmRequest request);

  /** A client reports a refusal it received from a validator, so the run records it. */
  @SignalMethod(name = "record-refusal")
  void recordRefusal(Refusal refusal);
}
