package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ChannelConfig is one entry of kumoguard.yaml's serve.notifications:
//
//	serve:
//	  notifications:
//	    - name: secops-slack
//	      type: slack              # slack | teams | webhook | sns
//	      url_env: KG_SLACK_URL    # slack, teams, webhook: the variable holding the URL
//	      lang: ja                 # en (default) | ja
//	      kinds: [new_fail, suppression_expired]   # default: every kind
//	      rules: [KG-BT-001]       # default: every rule
//	      min_severity: HIGH       # default: every severity
//	    - name: siem
//	      type: webhook
//	      url_env: KG_SIEM_URL
//	      secret_env: KG_SIEM_SECRET   # webhook: the HMAC signing secret
//	    - name: pager
//	      type: sns
//	      topic_arn: arn:aws:sns:ap-northeast-1:123456789012:kumoguard
//
// URLs and secrets come from the environment, never from the file: a
// webhook URL is a credential. URL and Secret exist only so that Validate
// can refuse a file that holds one.
type ChannelConfig struct {
	Name        string   `yaml:"name" json:"name"`
	Type        string   `yaml:"type" json:"type"`
	URLEnv      string   `yaml:"url_env,omitempty" json:"url_env,omitempty"`
	SecretEnv   string   `yaml:"secret_env,omitempty" json:"secret_env,omitempty"`
	TopicARN    string   `yaml:"topic_arn,omitempty" json:"topic_arn,omitempty"`
	Lang        string   `yaml:"lang,omitempty" json:"lang,omitempty"`
	Kinds       []string `yaml:"kinds,omitempty" json:"kinds,omitempty"`
	Rules       []string `yaml:"rules,omitempty" json:"rules,omitempty"`
	MinSeverity string   `yaml:"min_severity,omitempty" json:"min_severity,omitempty"`

	URL    string `yaml:"url,omitempty" json:"-"`
	Secret string `yaml:"secret,omitempty" json:"-"`
}

// Channel types.
const (
	TypeSlack   = "slack"
	TypeTeams   = "teams"
	TypeWebhook = "webhook"
	TypeSNS     = "sns"
)

// Validate checks the entries without reading the environment: names
// unique, a known type with what it needs, no URL or secret in the file,
// known kinds, severity and language.
func Validate(cfgs []ChannelConfig) error {
	var errs []error
	seen := map[string]bool{}
	for i, c := range cfgs {
		where := fmt.Sprintf("serve.notifications[%d]", i)
		if c.Name != "" {
			where += " (" + c.Name + ")"
		}
		bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(where+": "+format, args...)) }
		if c.Name == "" {
			bad("name is required")
		} else if seen[c.Name] {
			bad("name is used twice")
		}
		seen[c.Name] = true
		if c.URL != "" {
			bad("url: a webhook URL is a secret and does not belong in the file; put it in an environment variable and name that variable in url_env")
		}
		if c.Secret != "" {
			bad("secret: put the signing secret in an environment variable and name that variable in secret_env")
		}
		switch c.Type {
		case TypeSlack, TypeTeams, TypeWebhook:
			if c.URLEnv == "" {
				bad("type %s needs url_env, the environment variable holding the URL", c.Type)
			}
			if c.Type == TypeWebhook && c.SecretEnv == "" {
				bad("type webhook needs secret_env, the environment variable holding the signing secret")
			}
			if c.TopicARN != "" {
				bad("topic_arn is for type sns")
			}
		case TypeSNS:
			if _, err := TopicRegion(c.TopicARN); err != nil {
				bad("%v", err)
			}
			if c.URLEnv != "" || c.SecretEnv != "" {
				bad("type sns takes topic_arn, not url_env or secret_env")
			}
		default:
			bad("type %q: expected slack, teams, webhook or sns", c.Type)
		}
		if c.Lang != "" && c.Lang != "en" && c.Lang != "ja" {
			bad("lang %q: expected en or ja", c.Lang)
		}
		for _, k := range c.Kinds {
			if _, err := ParseKind(k); err != nil {
				bad("kinds: %v", err)
			}
		}
		if c.MinSeverity != "" {
			if _, err := ParseSeverity(c.MinSeverity); err != nil {
				bad("min_severity: %v", err)
			}
		}
	}
	return errors.Join(errs...)
}

// Filter is the entry's event filter (call Validate first).
func (c ChannelConfig) Filter() Filter {
	var f Filter
	for _, k := range c.Kinds {
		if kind, err := ParseKind(k); err == nil {
			f.Kinds = append(f.Kinds, kind)
		}
	}
	f.Rules = append(f.Rules, c.Rules...)
	if c.MinSeverity != "" {
		f.MinSeverity, _ = ParseSeverity(c.MinSeverity)
	}
	return f
}

// Env is what Build needs from outside: the environment, and an SNS client
// per Region (from the service's awsapi configuration, e.g.
// sns.NewFromConfig(cfg) after awsapi.Load with that Region).
type Env struct {
	Getenv func(string) string
	SNS    func(ctx context.Context, region string) (SNSPublisher, error)
}

// Build validates cfgs and makes their routes. An environment variable that
// is named but empty is an error naming the variable, never its value.
func Build(ctx context.Context, cfgs []ChannelConfig, env Env) ([]Route, error) {
	if err := Validate(cfgs); err != nil {
		return nil, err
	}
	var routes []Route
	var errs []error
	for i, c := range cfgs {
		where := fmt.Sprintf("serve.notifications[%d] (%s)", i, c.Name)
		lookup := func(name, what string) string {
			v := ""
			if env.Getenv != nil {
				v = strings.TrimSpace(env.Getenv(name))
			}
			if v == "" {
				errs = append(errs, fmt.Errorf("%s: environment variable %s (the %s) is not set", where, name, what))
			}
			return v
		}
		var ch Channel
		var err error
		switch c.Type {
		case TypeSlack:
			if u := lookup(c.URLEnv, "Slack webhook URL"); u != "" {
				ch, err = NewSlack(c.Name, u, c.Lang)
			}
		case TypeTeams:
			if u := lookup(c.URLEnv, "Teams workflow URL"); u != "" {
				ch, err = NewTeams(c.Name, u, c.Lang)
			}
		case TypeWebhook:
			u, s := lookup(c.URLEnv, "webhook URL"), lookup(c.SecretEnv, "signing secret")
			if u != "" && s != "" {
				ch, err = NewWebhook(c.Name, u, s, c.Lang)
			}
		case TypeSNS:
			if env.SNS == nil {
				err = errors.New("no AWS configuration for SNS")
				break
			}
			region, _ := TopicRegion(c.TopicARN)
			var client SNSPublisher
			if client, err = env.SNS(ctx, region); err == nil {
				ch, err = NewSNS(c.Name, c.TopicARN, c.Lang, client)
			}
		}
		if err != nil {
			// err never quotes the URL (checkURL does not).
			errs = append(errs, fmt.Errorf("%s: %v", where, err))
			continue
		}
		if ch != nil {
			routes = append(routes, Route{Channel: ch, Filter: c.Filter()})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return routes, nil
}
