package dev.runbook.workflows.activities;

import java.util.List;

/**
 * An activity result that lists the exact commands and SQL the activity ran, or in a dry run
 * would run. Nothing secret goes in here: it is kept in workflow history.
 */
public interface Planned {
  List<String> planned();
}
