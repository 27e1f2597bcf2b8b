package dev.runbook.workflows.engine;

import dev.runbook.workflows.RunbookControl;
import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.DecisionRequest;
import dev.runbook.workflows.model.DisarmRequest;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.Refusal;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Vote;

/** The control surface every runbook shares, answered by its engine. */
public abstract class AbstractRunbookWorkflow implements RunbookControl {
  protected final RunbookEngine engine;

  protected AbstractRunbookWorkflow(RunbookEngine.Mode mode) {
    this.engine = new RunbookEngine(mode);
  }

  @Override
  public RunStatus status() {
    return engine.status();
  }

  @Override
  public Receipt approve(Vote vote) {
    return engine.approve(vote);
  }

  @Override
  public void validateApprove(Vote vote) {
    engine.validateApprove(vote);
  }

  @Override
  public Receipt reject(Vote vote) {
    return engine.reject(vote);
  }

  @Override
  public void validateReject(Vote vote) {
    engine.validateReject(vote);
  }

  @Override
  public Receipt decide(DecisionRequest decision) {
    return engine.decide(decision);
  }

  @Override
  public void validateDecide(DecisionRequest decision) {
    engine.validateDecide(decision);
  }

  @Override
  public Receipt cancel(CancelRequest request) {
    return engine.cancel(request);
  }

  @Override
  public void validateCancel(CancelRequest request) {
    engine.validateCancel(request);
  }

  @Override
  public Receipt disarm(DisarmRequest request) {
    return engine.disarm(request);
  }

  @Override
  public void validateDisarm(DisarmRequest request) {
    engine.validateDisarm(request);
  }

  @Override
  public void disarmSignal(DisarmRequest request) {
    engine.disarmSignal(request);
  }

  @Override
  public void approveSignal(Vote vote) {
    engine.approveSignal(vote);
  }

  @Override
  public void rejectSignal(Vote vote) {
    engine.rejectSignal(vote);
  }

  @Override
  public void decideSignal(DecisionRequest decision) {
    engine.decideSignal(decision);
  }

  @Override
  public void recordRefusal(Refusal refusal) {
    engine.recordRefusal(refusal);
  }
}
