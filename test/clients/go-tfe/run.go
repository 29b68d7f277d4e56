package main

import (
	"errors"
	"fmt"
	"time"

	tfe "github.com/hashicorp/go-tfe"
)

// aRun starts a run through the control API (a run is not run-task API) and
// follows it with go-tfe's task stage and task result reads, while the
// run-task server gets the signed requests and calls back.
func (c *checks) aRun() {
	if c.attachment == nil {
		return
	}
	// Only the two-stage association takes part; the mandatory one on
	// checker-3 (pre_plan) is removed first so the run's outcome is known.
	c.suite.Check("WorkspaceRunTasks.Delete", func() error {
		list, err := c.client.WorkspaceRunTasks.List(c.ctx, c.workspaceID, nil)
		if err != nil {
			return err
		}
		for _, item := range list.Items {
			if item.ID != c.attachment.ID {
				if err := c.client.WorkspaceRunTasks.Delete(c.ctx, c.workspaceID, item.ID); err != nil {
					return err
				}
			}
		}
		after, err := c.client.WorkspaceRunTasks.List(c.ctx, c.workspaceID, nil)
		if err != nil {
			return err
		}
		return expect("associations left", len(after.Items), 1)
	})
	var run struct {
		Run struct {
			ID string `json:"id"`
		} `json:"run"`
	}
	if err := c.fake.Control("POST", "/tfc/runs", map[string]any{"workspaceId": c.workspaceID, "message": "go-tfe suite"}, &run); err != nil {
		c.suite.Fatal("start a run", err)
	}
	c.runID = run.Run.ID
	for _, stage := range []string{"pre_plan", "post_plan"} {
		c.suite.Check("run-task server: "+stage+" request verified and called back", func() error {
			select {
			case err := <-c.server.callbacks:
				return err
			case <-time.After(20 * time.Second):
				return errors.New("no run-task request within 20s")
			}
		})
	}
	c.suite.Check("run-task server: the requests' fields", func() error {
		_, mismatched, requests := c.server.counts()
		if len(mismatched) > 0 {
			return fmt.Errorf("signature mismatch on %s", mismatched[0])
		}
		last := requests[len(requests)-1]
		if err := expect("RunID", last.RunID, c.runID); err != nil {
			return err
		}
		if err := expect("OrganizationName", last.OrganizationName, org); err != nil {
			return err
		}
		if err := expect("WorkspaceID", last.WorkspaceID, c.workspaceID); err != nil {
			return err
		}
		if err := expect("PayloadVersion", last.PayloadVersion, 1); err != nil {
			return err
		}
		if err := expect("RunMessage", last.RunMessage, "go-tfe suite"); err != nil {
			return err
		}
		return expect("TaskResultEnforcementLevel", last.TaskResultEnforcementLevel, "mandatory")
	})
	var stages *tfe.TaskStageList
	c.suite.Check("TaskStages.List (the run's stages pass)", func() error {
		deadline := time.Now().Add(20 * time.Second)
		for {
			var err error
			stages, err = c.client.TaskStages.List(c.ctx, c.runID, nil)
			if err != nil {
				return err
			}
			passed := 0
			for _, stage := range stages.Items {
				if stage.Status == tfe.TaskStagePassed {
					passed++
				}
			}
			if passed == 2 {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%d of %d stages passed after 20s", passed, len(stages.Items))
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if stages == nil || len(stages.Items) == 0 {
		return
	}
	var resultID string
	c.suite.Check("TaskStages.Read include task_results", func() error {
		stage, err := c.client.TaskStages.Read(c.ctx, stages.Items[0].ID, &tfe.TaskStageReadOptions{
			Include: []tfe.TaskStageIncludeOpt{tfe.TaskStageTaskResults},
		})
		if err != nil {
			return err
		}
		if err := expect("Stage", stage.Stage, tfe.PrePlan); err != nil {
			return err
		}
		if err := expect("TaskResults", len(stage.TaskResults), 1); err != nil {
			return err
		}
		resultID = stage.TaskResults[0].ID
		if err := expect("included result status", stage.TaskResults[0].Status, tfe.TaskPassed); err != nil {
			return err
		}
		return expect("Run", stage.Run != nil && stage.Run.ID == c.runID, true)
	})
	c.suite.Check("TaskResults.Read", func() error {
		result, err := c.client.TaskResults.Read(c.ctx, resultID)
		if err != nil {
			return err
		}
		if err := expect("Status", result.Status, tfe.TaskPassed); err != nil {
			return err
		}
		if err := expect("Message", result.Message, "checked by pre_plan for networking"); err != nil {
			return err
		}
		if err := expect("TaskName", result.TaskName, "checker-1"); err != nil {
			return err
		}
		if err := expect("WorkspaceTaskEnforcementLevel", result.WorkspaceTaskEnforcementLevel, tfe.Mandatory); err != nil {
			return err
		}
		return expect("PassedAt set", !result.StatusTimestamps.PassedAt.IsZero(), true)
	})
}

func (c *checks) cleanUp() {
	if len(c.tasks) != 3 {
		return
	}
	c.suite.Check("RunTasks.Delete of a task still attached is refused", func() error {
		err := c.client.RunTasks.Delete(c.ctx, c.tasks[0].ID)
		if err == nil {
			return errors.New("deleted a task that has an association")
		}
		return nil
	})
	c.suite.Check("RunTasks.Delete", func() error {
		if err := c.client.RunTasks.Delete(c.ctx, c.tasks[1].ID); err != nil {
			return err
		}
		_, err := c.client.RunTasks.Read(c.ctx, c.tasks[1].ID)
		return expect("read after delete is ErrResourceNotFound", errors.Is(err, tfe.ErrResourceNotFound), true)
	})
}

func expect[T comparable](what string, got, want T) error {
	if got != want {
		return fmt.Errorf("%s: got %v, want %v", what, got, want)
	}
	return nil
}
