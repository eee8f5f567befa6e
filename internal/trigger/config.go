package trigger

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Config is kumoguard.yaml's serve.trigger:
//
//	serve:
//	  trigger:
//	    queue_url: https://sqs.ap-northeast-1.amazonaws.com/123456789012/kumoguard-rds-events
//	    concurrency: 4            # messages handled at once (default 4)
//	    visibility_timeout: 60s   # renewed while a message is handled (default 60s)
//
// The queue's Region is taken from its URL.
type Config struct {
	QueueURL          string `yaml:"queue_url" json:"queue_url"`
	Concurrency       int    `yaml:"concurrency,omitempty" json:"concurrency,omitempty"`
	VisibilityTimeout string `yaml:"visibility_timeout,omitempty" json:"visibility_timeout,omitempty"`
}

// Region returns the queue's Region (https://sqs.REGION.amazonaws.com/…)
// and checks the rest of the configuration.
func (c Config) Region() (string, error) {
	if c.QueueURL == "" {
		return "", errors.New("serve.trigger.queue_url is required")
	}
	rest, ok := strings.CutPrefix(c.QueueURL, "https://sqs.")
	region, _, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || region == "" {
		return "", fmt.Errorf("serve.trigger.queue_url %q: expected https://sqs.REGION.amazonaws.com/ACCOUNT/NAME", c.QueueURL)
	}
	if c.Concurrency < 0 {
		return "", errors.New("serve.trigger.concurrency must be positive")
	}
	if _, err := c.visibility(); err != nil {
		return "", err
	}
	return region, nil
}

func (c Config) visibility() (time.Duration, error) {
	if c.VisibilityTimeout == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(c.VisibilityTimeout)
	if err != nil || d < 2*time.Second || d > 12*time.Hour {
		return 0, fmt.Errorf("serve.trigger.visibility_timeout %q: expected a duration from 2s to 12h", c.VisibilityTimeout)
	}
	return d, nil
}

// Consumer returns a consumer for c (call Region first to validate).
func (c Config) Consumer(client SQSAPI, h Handler) *Consumer {
	vt, _ := c.visibility()
	return &Consumer{Client: client, QueueURL: c.QueueURL, Handler: h, Concurrency: c.Concurrency, VisibilityTimeout: vt}
}
