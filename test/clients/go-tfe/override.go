package main

import (
	"errors"
	"fmt"
	"time"

	tfe "github.com/hashicorp/go-tfe"
)

// anOverride: with the fake's mandatoryFailureOverridable switch on, a
// mandatory task that fails holds its stage in awaiting_override until
// go-tfe's TaskStages.Override lets the run go on (research §5.3).
func (c *checks) anOverride() {
	if c.attachment == nil || c.runID == "" {
		return
	}
	c.suite.Check("Runs.Read of the first run", func() error {
		run, err := c.client.Runs.Read(c.ctx, c.runID)
		if err != nil {
			return err
		}
		if err := expect("ID", run.ID, c.runID); err != nil {
			return err
		}
		return expect("Message", run.Message, "go-tfe suite")
	})
	if err := c.fake.Control("PATCH", "/tfc/knobs", map[string]any{"mandatoryFailureOverridable": true}, nil); err != nil {
		c.suite.Fatal("switch on mandatoryFailureOverridable", err)
	}
	c.server.failNext("pre_plan")
	var run struct {
		Run struct {
			ID string `json:"id"`
		} `json:"run"`
	}
	if err := c.fake.Control("POST", "/tfc/runs", map[string]any{"workspaceId": c.workspaceID, "message": "to override"}, &run); err != nil {
		c.suite.Fatal("start a second run", err)
	}
	c.suite.Check("run-task server: pre_plan called back failed", func() error {
		select {
		case err := <-c.server.callbacks:
			return err
		case <-time.After(20 * time.Second):
			return errors.New("no run-task request within 20s")
		}
	})
	c.server.failNext("")
	var stage *tfe.TaskStage
	c.suite.Check("TaskStages.Read: a failed mandatory task awaits an override", func() error {
		deadline := time.Now().Add(20 * time.Second)
		for {
			stages, err := c.client.TaskStages.List(c.ctx, run.Run.ID, nil)
			if err != nil {
				return err
			}
			for _, item := range stages.Items {
				if item.Stage == tfe.PrePlan && item.Status == tfe.TaskStageAwaitingOverride {
					stage, err = c.client.TaskStages.Read(c.ctx, item.ID, nil)
					if err != nil {
						return err
					}
					if stage.Actions == nil || stage.Actions.IsOverridable == nil || !*stage.Actions.IsOverridable {
						return fmt.Errorf("actions.is-overridable: got %+v, want true", stage.Actions)
					}
					return nil
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("pre_plan not awaiting_override after 20s: %+v", stages.Items)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if stage == nil {
		return
	}
	c.suite.Check("TaskStages.Override", func() error {
		overridden, err := c.client.TaskStages.Override(c.ctx, stage.ID, tfe.TaskStageOverrideOptions{
			Comment: tfe.String("accepted by the go-tfe suite"),
		})
		if err != nil {
			return err
		}
		return expect("ID", overridden.ID, stage.ID)
	})
	c.suite.Check("run-task server: the run goes on to post_plan", func() error {
		select {
		case err := <-c.server.callbacks:
			return err
		case <-time.After(20 * time.Second):
			return errors.New("no post_plan request within 20s of the override")
		}
	})
}
