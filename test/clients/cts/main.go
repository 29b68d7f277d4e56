// The CTS suite: Consul-Terraform-Sync's own Go client (its `api` package,
// which the `consul-terraform-sync task …` commands are built on) drives the
// fake's cts dialect, making the calls those commands make, in their order.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/consul-terraform-sync/api"
	"github.com/hashicorp/consul-terraform-sync/api/oapigen"
	"github.com/hashicorp/consul-terraform-sync/config"
	"taskport.test/clients/harness"
)

const taskName = "web-firewall"

// The task file a user passes to `consul-terraform-sync task create -task-file`.
const taskFile = `task {
  name        = "web-firewall"
  description = "opens the firewall to web"
  module      = "org/firewall/local"
  condition "services" {
    names = ["web"]
  }
  buffer_period {
    enabled = false
  }
}
`

type checks struct {
	suite     *harness.Suite
	fake      *harness.Fake
	client    *api.Client
	lifecycle *api.TaskLifecycleClient
	ctx       context.Context
}

func main() {
	rec := &harness.Recorder{}
	suite := harness.NewSuite("cts-api", rec)
	fake, err := harness.StartFake()
	if err != nil {
		suite.Fatal("taskport serve", err)
	}
	suite.OnExit(fake.Stop)

	// The catalog the task watches: two instances of web, driven through the control API.
	for _, id := range []string{"web-1", "web-2"} {
		if err := fake.Control("POST", "/cts/services", map[string]any{"name": "web", "id": id, "port": 8080}, nil); err != nil {
			suite.Fatal("register "+id, err)
		}
	}

	// The clients the CLI builds (meta.client, meta.taskLifecycleClient), on
	// a recording transport so a failure shows the exchange.
	httpClient := &http.Client{Transport: rec, Timeout: 15 * time.Second}
	cfg := &api.ClientConfig{URL: fake.URL, TLSConfig: api.TLSConfig{SSLVerify: true}}
	client, err := api.NewClient(cfg, httpClient)
	if err != nil {
		suite.Fatal("api.NewClient", err)
	}
	lifecycle, err := api.NewTaskLifecycleClient(cfg, api.NewTaskLifecycleHTTPClient(httpClient))
	if err != nil {
		suite.Fatal("api.NewTaskLifecycleClient", err)
	}
	c := &checks{suite: suite, fake: fake, client: client, lifecycle: lifecycle, ctx: context.Background()}
	c.create()
	c.status()
	c.catalogTrigger()
	c.disableEnable()
	c.failedRun()
	c.remove()
	suite.Finish()
}

// taskRequest reads the task file as `task create` does: BuildConfig, the
// one task, SetVariables, TaskRequestFromTaskConfig.
func taskRequest() (api.TaskRequest, error) {
	dir, err := os.MkdirTemp("", "cts-task-")
	if err != nil {
		return api.TaskRequest{}, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "task.hcl")
	if err := os.WriteFile(path, []byte(taskFile), 0o600); err != nil {
		return api.TaskRequest{}, err
	}
	cfg, err := config.BuildConfig([]string{path})
	if err != nil {
		return api.TaskRequest{}, err
	}
	tasks := *cfg.Tasks
	if len(tasks) != 1 {
		return api.TaskRequest{}, fmt.Errorf("task file has %d tasks", len(tasks))
	}
	if err := tasks[0].SetVariables(); err != nil {
		return api.TaskRequest{}, err
	}
	return api.TaskRequestFromTaskConfig(*tasks[0]), nil
}

func (c *checks) create() {
	request, err := taskRequest()
	if err != nil {
		c.suite.Fatal("reading the task file", err)
	}
	c.suite.Check("task create: CreateTask run=inspect", func() error {
		run := oapigen.CreateTaskParamsRun(api.RunOptionInspect)
		resp, err := c.lifecycle.CreateTaskWithResponse(c.ctx, &oapigen.CreateTaskParams{Run: &run}, oapigen.CreateTaskJSONRequestBody(request))
		if err != nil {
			return err
		}
		if resp.JSON200 == nil {
			return fmt.Errorf("no JSON200 (status %s)", resp.Status())
		}
		if resp.JSON200.Run == nil || resp.JSON200.Run.Plan == nil {
			return fmt.Errorf("no run.plan in the inspect answer")
		}
		if fmt.Sprint(resp.JSON200.RequestId) == "" {
			return fmt.Errorf("no request_id")
		}
		return nil
	})
	c.suite.Check("task create: the inspect created nothing (GetTaskByName is 404)", func() error {
		resp, err := c.lifecycle.GetTaskByNameWithResponse(c.ctx, taskName)
		if err == nil {
			return fmt.Errorf("task exists after an inspect (status %s)", resp.Status())
		}
		return nil
	})
	c.suite.Check("task create: CreateTask run=now", func() error {
		run := oapigen.CreateTaskParamsRun(api.RunOptionNow)
		resp, err := c.lifecycle.CreateTaskWithResponse(c.ctx, &oapigen.CreateTaskParams{Run: &run}, oapigen.CreateTaskJSONRequestBody(request))
		if err != nil {
			return err
		}
		if resp.JSON201 == nil || resp.JSON201.Task == nil {
			return fmt.Errorf("no JSON201 task (status %s)", resp.Status())
		}
		task := resp.JSON201.Task
		if err := harness.Expect("task.name", task.Name, taskName); err != nil {
			return err
		}
		return harness.Expect("task.module", task.Module, "org/firewall/local")
	})
	c.suite.Check("task create: a second create is refused with CTS's message", func() error {
		run := oapigen.CreateTaskParamsRun(api.RunOptionNow)
		_, err := c.lifecycle.CreateTaskWithResponse(c.ctx, &oapigen.CreateTaskParams{Run: &run}, oapigen.CreateTaskJSONRequestBody(request))
		if err == nil {
			return fmt.Errorf("created the same task twice")
		}
		return nil
	})
	c.suite.Check("GetTaskByName", func() error {
		resp, err := c.lifecycle.GetTaskByNameWithResponse(c.ctx, taskName)
		if err != nil {
			return err
		}
		if resp.JSON200 == nil || resp.JSON200.Task == nil {
			return fmt.Errorf("no JSON200 task (status %s)", resp.Status())
		}
		task := resp.JSON200.Task
		if task.Enabled == nil || !*task.Enabled {
			return fmt.Errorf("task.enabled: got %v, want true", task.Enabled)
		}
		if task.Condition.Services == nil || len(*task.Condition.Services.Names) != 1 {
			return fmt.Errorf("task.condition.services.names: got %+v", task.Condition.Services)
		}
		return nil
	})
}

// events reads the task's status with its events, as `GET /v1/status/tasks/<name>?include=events`.
func (c *checks) events() (api.TaskStatus, error) {
	statuses, err := c.client.Status().Task(taskName, &api.QueryParam{IncludeEvents: true})
	if err != nil {
		return api.TaskStatus{}, err
	}
	status, ok := statuses[taskName]
	if !ok {
		return api.TaskStatus{}, fmt.Errorf("no status for %s in %v", taskName, statuses)
	}
	return status, nil
}

// waitForEvents polls the status until the task has n events.
func (c *checks) waitForEvents(n int) (api.TaskStatus, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, err := c.events()
		if err != nil {
			return status, err
		}
		if len(status.Events) >= n {
			return status, nil
		}
		if time.Now().After(deadline) {
			return status, fmt.Errorf("%d events after 15s, want %d", len(status.Events), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *checks) status() {
	c.suite.Check("Status().Overall", func() error {
		overall, err := c.client.Status().Overall()
		if err != nil {
			return err
		}
		if err := harness.Expect("task_summary.status.successful", overall.TaskSummary.Status.Successful, 1); err != nil {
			return err
		}
		return harness.Expect("task_summary.enabled.true", overall.TaskSummary.Enabled.True, 1)
	})
	c.suite.Check("Status().Task include=events (the create's run)", func() error {
		status, err := c.waitForEvents(1)
		if err != nil {
			return err
		}
		if err := harness.Expect("status", status.Status, "successful"); err != nil {
			return err
		}
		if err := harness.Expect("enabled", status.Enabled, true); err != nil {
			return err
		}
		event := status.Events[0]
		if err := harness.Expect("event.success", event.Success, true); err != nil {
			return err
		}
		return harness.Expect("event.task_name", event.TaskName, taskName)
	})
	c.suite.Check("Status().Task for all tasks", func() error {
		statuses, err := c.client.Status().Task("", nil)
		if err != nil {
			return err
		}
		return harness.Expect("tasks", len(statuses), 1)
	})
}

func (c *checks) catalogTrigger() {
	c.suite.Check("a third web instance runs the task (status shows 2 events)", func() error {
		if err := c.fake.Control("POST", "/cts/services", map[string]any{"name": "web", "id": "web-3", "port": 8080}, nil); err != nil {
			return err
		}
		status, err := c.waitForEvents(2)
		if err != nil {
			return err
		}
		return harness.Expect("status", status.Status, "successful")
	})
}

func (c *checks) disableEnable() {
	c.suite.Check("task disable: Task().Update enabled=false", func() error {
		if _, err := c.client.Task().Update(taskName, api.UpdateTaskConfig{Enabled: config.Bool(false)}, nil); err != nil {
			return err
		}
		status, err := c.events()
		if err != nil {
			return err
		}
		return harness.Expect("enabled", status.Enabled, false)
	})
	c.suite.Check("a disabled task does not run on a catalog change", func() error {
		if err := c.fake.Control("PUT", "/cts/services/web-3/health", map[string]any{"status": "critical"}, nil); err != nil {
			return err
		}
		if err := c.fake.Control("POST", "/when-idle", nil, nil); err != nil {
			return err
		}
		status, err := c.events()
		if err != nil {
			return err
		}
		return harness.Expect("events", len(status.Events), 2)
	})
	c.suite.Check("task enable: Task().Update enabled=true run=inspect", func() error {
		resp, err := c.client.Task().Update(taskName, api.UpdateTaskConfig{Enabled: config.Bool(true)}, &api.QueryParam{Run: api.RunOptionInspect})
		if err != nil {
			return err
		}
		if resp.Inspect == nil {
			return fmt.Errorf("no inspect in the answer")
		}
		status, err := c.events()
		if err != nil {
			return err
		}
		return harness.Expect("enabled after an inspect", status.Enabled, false)
	})
	c.suite.Check("task enable: Task().Update enabled=true run=now", func() error {
		if _, err := c.client.Task().Update(taskName, api.UpdateTaskConfig{Enabled: config.Bool(true)}, &api.QueryParam{Run: api.RunOptionNow}); err != nil {
			return err
		}
		status, err := c.waitForEvents(3)
		if err != nil {
			return err
		}
		return harness.Expect("enabled", status.Enabled, true)
	})
}

func (c *checks) failedRun() {
	c.suite.Check("a scripted failure shows as errored with its event's error", func() error {
		// CTS retries a triggered run twice (retry/retry.go): all three tries fail.
		failure := map[string]any{"success": false, "error": "firewall API said no"}
		outcome := map[string]any{"task": taskName, "outcomes": []map[string]any{failure, failure, failure}}
		if err := c.fake.Control("POST", "/cts/outcomes", outcome, nil); err != nil {
			return err
		}
		// web-3 is critical, so not in the passing set the task watches:
		// removing it would change nothing; a new instance does.
		if err := c.fake.Control("POST", "/cts/services", map[string]any{"name": "web", "id": "web-4", "port": 8080}, nil); err != nil {
			return err
		}
		status, err := c.waitForEvents(4)
		if err != nil {
			return err
		}
		if err := harness.Expect("status", status.Status, "errored"); err != nil {
			return err
		}
		latest := status.Events[0]
		if err := harness.Expect("latest event success", latest.Success, false); err != nil {
			return err
		}
		if latest.EventError == nil {
			return fmt.Errorf("latest event has no error")
		}
		applyError := "error tf-apply for '" + taskName + "': firewall API said no"
		want := "retry attempt #2 failed '" + applyError + "': retry attempt #1 failed '" + applyError + "'"
		return harness.Expect("error message", latest.EventError.Message, want)
	})
}

func (c *checks) remove() {
	c.suite.Check("task delete: DeleteTaskByName", func() error {
		resp, err := c.lifecycle.DeleteTaskByName(c.ctx, taskName)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		return harness.Expect("status", resp.StatusCode, http.StatusAccepted)
	})
	c.suite.Check("task delete: the task is gone (GetTaskByName is 404)", func() error {
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err := c.lifecycle.GetTaskByNameWithResponse(c.ctx, taskName)
			if err != nil {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("task still there 10s after delete")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	c.suite.Check("task delete: a second delete names the missing task", func() error {
		_, err := c.lifecycle.DeleteTaskByName(c.ctx, taskName)
		if err == nil {
			return fmt.Errorf("deleted a task that is gone")
		}
		return nil
	})
}
