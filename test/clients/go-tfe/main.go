// The go-tfe suite: HashiCorp's own Go client (the one the tfe provider is
// built on) drives the fake's tfc dialect unmodified, and a run-task server
// written with go-tfe's request and callback types takes part in a run.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	tfe "github.com/hashicorp/go-tfe"
	"taskport.test/clients/harness"
)

const (
	org     = "taskport-clients"
	token   = "go-tfe-client-token"
	hmacKey = "go-tfe-hmac-secret"
)

func main() {
	rec := &harness.Recorder{}
	suite := harness.NewSuite("go-tfe", rec)
	fake, err := harness.StartFake()
	if err != nil {
		suite.Fatal("taskport serve", err)
	}
	suite.OnExit(fake.Stop)
	server, err := startRunTaskServer(hmacKey)
	if err != nil {
		suite.Fatal("run-task server", err)
	}
	suite.OnExit(server.Close)

	// The world a TFC user already has: an organization, a token, workspaces.
	var ws struct {
		Workspace struct {
			ID string `json:"id"`
		} `json:"workspace"`
	}
	if err := fake.Control("POST", "/tfc/organizations", map[string]any{"name": org}, nil); err != nil {
		suite.Fatal("seed organization", err)
	}
	if err := fake.Control("POST", "/tfc/tokens", map[string]any{"token": token, "organizations": []string{org}}, nil); err != nil {
		suite.Fatal("seed token", err)
	}
	if err := fake.Control("POST", "/tfc/workspaces", map[string]any{"organization": org, "name": "networking"}, &ws); err != nil {
		suite.Fatal("seed workspace", err)
	}
	workspaceID := ws.Workspace.ID

	var client *tfe.Client
	suite.Check("tfe.NewClient (GET /api/v2/ping)", func() error {
		client, err = tfe.NewClient(&tfe.Config{
			Address:    fake.URL,
			Token:      token,
			HTTPClient: &http.Client{Transport: rec, Timeout: 15 * time.Second},
		})
		if err != nil {
			return err
		}
		return harness.Expect("RemoteAPIVersion", client.RemoteAPIVersion(), "2.6")
	})
	if client == nil {
		suite.Finish()
		return
	}
	ctx := context.Background()
	c := &checks{suite: suite, client: client, ctx: ctx, server: server, fake: fake, workspaceID: workspaceID}
	c.runTasks()
	c.workspaceRunTasks()
	c.aRun()
	c.anOverride()
	c.cleanUp()
	suite.Finish()
}

type checks struct {
	suite       *harness.Suite
	client      *tfe.Client
	ctx         context.Context
	server      *runTaskServer
	fake        *harness.Fake
	workspaceID string
	tasks       []*tfe.RunTask
	attachment  *tfe.WorkspaceRunTask
	runID       string
}

func (c *checks) runTasks() {
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("checker-%d", i)
		c.suite.Check("RunTasks.Create "+name, func() error {
			task, err := c.client.RunTasks.Create(c.ctx, org, tfe.RunTaskCreateOptions{
				Name:        name,
				URL:         c.server.URL,
				Category:    "task",
				Description: tfe.String("checks " + name),
				HMACKey:     tfe.String(hmacKey),
				Enabled:     tfe.Bool(true),
			})
			if err != nil {
				return err
			}
			c.tasks = append(c.tasks, task)
			if err := harness.Expect("Name", task.Name, name); err != nil {
				return err
			}
			if err := harness.Expect("URL", task.URL, c.server.URL); err != nil {
				return err
			}
			if task.HMACKey != nil && *task.HMACKey != "" {
				return fmt.Errorf("HMACKey: the key came back in the answer")
			}
			return harness.Expect("Organization", task.Organization != nil && task.Organization.Name == org, true)
		})
	}
	c.suite.Check("run-task server: verification requests signed with the HMAC key", func() error {
		verified, mismatched, requests := c.server.counts()
		if len(mismatched) > 0 {
			return fmt.Errorf("%d signature mismatches, first body %s", len(mismatched), mismatched[0])
		}
		if err := harness.Expect("verified requests", verified, 3); err != nil {
			return err
		}
		return harness.Expect("stage", requests[0].Stage, "test")
	})
	if len(c.tasks) != 3 {
		return
	}
	c.suite.Check("RunTasks.Create with a bad URL is a 422", func() error {
		_, err := c.client.RunTasks.Create(c.ctx, org, tfe.RunTaskCreateOptions{
			Name: "broken", URL: "not a url", Category: "task",
		})
		if err == nil {
			return errors.New("created a task with URL \"not a url\"")
		}
		return nil
	})
	c.suite.Check("RunTasks.List page 1 of size 2", func() error {
		list, err := c.client.RunTasks.List(c.ctx, org, &tfe.RunTaskListOptions{
			ListOptions: tfe.ListOptions{PageNumber: 1, PageSize: 2},
		})
		if err != nil {
			return err
		}
		if err := harness.Expect("items", len(list.Items), 2); err != nil {
			return err
		}
		if err := harness.Expect("TotalCount", list.TotalCount, 3); err != nil {
			return err
		}
		if err := harness.Expect("TotalPages", list.TotalPages, 2); err != nil {
			return err
		}
		if err := harness.Expect("NextPage", list.NextPage, 2); err != nil {
			return err
		}
		return harness.Expect("first item", list.Items[0].ID, c.tasks[0].ID)
	})
	c.suite.Check("RunTasks.List page 2 of size 2", func() error {
		list, err := c.client.RunTasks.List(c.ctx, org, &tfe.RunTaskListOptions{
			ListOptions: tfe.ListOptions{PageNumber: 2, PageSize: 2},
		})
		if err != nil {
			return err
		}
		if err := harness.Expect("items", len(list.Items), 1); err != nil {
			return err
		}
		if err := harness.Expect("CurrentPage", list.CurrentPage, 2); err != nil {
			return err
		}
		if err := harness.Expect("PreviousPage", list.PreviousPage, 1); err != nil {
			return err
		}
		return harness.Expect("item", list.Items[0].ID, c.tasks[2].ID)
	})
	c.suite.Check("RunTasks.Read", func() error {
		task, err := c.client.RunTasks.Read(c.ctx, c.tasks[0].ID)
		if err != nil {
			return err
		}
		if err := harness.Expect("Description", task.Description, "checks checker-1"); err != nil {
			return err
		}
		return harness.Expect("Enabled", task.Enabled, true)
	})
	c.suite.Check("RunTasks.Read of an unknown task is ErrResourceNotFound", func() error {
		_, err := c.client.RunTasks.Read(c.ctx, "task-doesNotExist1234")
		return harness.Expect("error", errors.Is(err, tfe.ErrResourceNotFound), true)
	})
	c.suite.Check("RunTasks.Update name, description, enabled", func() error {
		task, err := c.client.RunTasks.Update(c.ctx, c.tasks[1].ID, tfe.RunTaskUpdateOptions{
			Name:        tfe.String("checker-2-renamed"),
			Description: tfe.String("renamed"),
			Enabled:     tfe.Bool(false),
		})
		if err != nil {
			return err
		}
		if err := harness.Expect("Name", task.Name, "checker-2-renamed"); err != nil {
			return err
		}
		if err := harness.Expect("Enabled", task.Enabled, false); err != nil {
			return err
		}
		return harness.Expect("URL (kept)", task.URL, c.server.URL)
	})
}

func (c *checks) workspaceRunTasks() {
	if len(c.tasks) != 3 {
		return
	}
	c.suite.Check("WorkspaceRunTasks.Create (pre_plan, post_plan)", func() error {
		attachment, err := c.client.WorkspaceRunTasks.Create(c.ctx, c.workspaceID, tfe.WorkspaceRunTaskCreateOptions{
			EnforcementLevel: tfe.Advisory,
			RunTask:          c.tasks[0],
			Stages:           &[]tfe.Stage{tfe.PrePlan, tfe.PostPlan},
		})
		if err != nil {
			return err
		}
		c.attachment = attachment
		if err := harness.Expect("Stage", attachment.Stage, tfe.PrePlan); err != nil {
			return err
		}
		if err := harness.Expect("Stages", len(attachment.Stages), 2); err != nil {
			return err
		}
		return harness.Expect("RunTask", attachment.RunTask != nil && attachment.RunTask.ID == c.tasks[0].ID, true)
	})
	c.suite.Check("RunTasks.AttachToWorkspace (the tfe provider's call)", func() error {
		attachment, err := c.client.RunTasks.AttachToWorkspace(c.ctx, c.workspaceID, c.tasks[2].ID, tfe.Mandatory)
		if err != nil {
			return err
		}
		return harness.Expect("EnforcementLevel", attachment.EnforcementLevel, tfe.Mandatory)
	})
	if c.attachment == nil {
		return
	}
	c.suite.Check("WorkspaceRunTasks.List", func() error {
		list, err := c.client.WorkspaceRunTasks.List(c.ctx, c.workspaceID, &tfe.WorkspaceRunTaskListOptions{
			ListOptions: tfe.ListOptions{PageSize: 1},
		})
		if err != nil {
			return err
		}
		if err := harness.Expect("items", len(list.Items), 1); err != nil {
			return err
		}
		return harness.Expect("TotalCount", list.TotalCount, 2)
	})
	c.suite.Check("WorkspaceRunTasks.Read", func() error {
		attachment, err := c.client.WorkspaceRunTasks.Read(c.ctx, c.workspaceID, c.attachment.ID)
		if err != nil {
			return err
		}
		return harness.Expect("EnforcementLevel", attachment.EnforcementLevel, tfe.Advisory)
	})
	c.suite.Check("WorkspaceRunTasks.Update enforcement level", func() error {
		attachment, err := c.client.WorkspaceRunTasks.Update(c.ctx, c.workspaceID, c.attachment.ID, tfe.WorkspaceRunTaskUpdateOptions{
			EnforcementLevel: tfe.Mandatory,
		})
		if err != nil {
			return err
		}
		if err := harness.Expect("EnforcementLevel", attachment.EnforcementLevel, tfe.Mandatory); err != nil {
			return err
		}
		return harness.Expect("Stages (kept)", len(attachment.Stages), 2)
	})
	c.suite.Check("RunTasks.ReadWithOptions include workspace_tasks", func() error {
		task, err := c.client.RunTasks.ReadWithOptions(c.ctx, c.tasks[0].ID, &tfe.RunTaskReadOptions{
			Include: []tfe.RunTaskIncludeOpt{tfe.RunTaskWorkspaceTasks},
		})
		if err != nil {
			return err
		}
		if err := harness.Expect("WorkspaceRunTasks", len(task.WorkspaceRunTasks), 1); err != nil {
			return err
		}
		return harness.Expect("included enforcement level", task.WorkspaceRunTasks[0].EnforcementLevel, tfe.Mandatory)
	})
	c.suite.Check("RunTasks.List include workspace_tasks.workspace", func() error {
		list, err := c.client.RunTasks.List(c.ctx, org, &tfe.RunTaskListOptions{
			Include: []tfe.RunTaskIncludeOpt{tfe.RunTaskWorkspace},
		})
		if err != nil {
			return err
		}
		if err := harness.Expect("items", len(list.Items), 3); err != nil {
			return err
		}
		first := list.Items[0]
		if err := harness.Expect("WorkspaceRunTasks", len(first.WorkspaceRunTasks), 1); err != nil {
			return err
		}
		workspace := first.WorkspaceRunTasks[0].Workspace
		return harness.Expect("included workspace", workspace != nil && workspace.Name == "networking", true)
	})
}
