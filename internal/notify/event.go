// Package notify tells people and systems about what changed: a new FAIL,
// a resolved finding, a suppression that expired, a backtrack drill that is
// overdue (KG-BT-004). An Event goes through a Dispatcher to channels —
// Slack incoming webhooks, Microsoft Teams Workflows webhooks, a generic
// webhook signed with HMAC-SHA256, Amazon SNS — deduplicated by event ID
// through a DeliveryLog, retried with exponential backoff and jitter, each
// delivery's status, attempts and last error recorded.
//
// Webhook URLs carry secrets (the path of a Slack or Teams URL is the
// credential): they are read from environment variables named in the
// configuration, never from the file, and never logged or printed; errors
// name a channel by its name and host only.
//
// The package imports no store and no server: the store implements
// DeliveryLog, the service builds channels from Config.
package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Kind is what happened.
type Kind string

const (
	// KindNewFail: a finding became FAIL (first seen, or reopened).
	KindNewFail Kind = "new_fail"
	// KindResolved: a FAIL finding is no longer failing.
	KindResolved Kind = "resolved"
	// KindSuppressionExpired: a suppression's expiry passed; its finding
	// counts again.
	KindSuppressionExpired Kind = "suppression_expired"
	// KindDrillOverdue: the last verified backtrack drill of a cluster is
	// older than the allowed age (KG-BT-004).
	KindDrillOverdue Kind = "drill_overdue"
)

// Kinds lists every kind.
var Kinds = []Kind{KindNewFail, KindResolved, KindSuppressionExpired, KindDrillOverdue}

// ParseKind accepts a kind name ("new_fail", "new-fail", "NEW_FAIL").
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_"))
	for _, known := range Kinds {
		if k == known {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown notification kind %q (expected one of new_fail, resolved, suppression_expired, drill_overdue)", s)
}

// Event is one thing to tell. ID is the deduplication key: the same ID is
// delivered at most once per channel.
type Event struct {
	// ID identifies the event; see EventID.
	ID   string    `json:"id"`
	Kind Kind      `json:"kind"`
	Time time.Time `json:"time"`
	Rule string    `json:"rule"`
	// Status is the finding's status now (FAIL for new_fail, PASS or
	// another for resolved).
	Status   model.Status   `json:"status"`
	Severity model.Severity `json:"severity,omitempty"`
	// Cluster names the resource: cluster identifier, ARN or IaC address.
	Cluster    string `json:"cluster"`
	Account    string `json:"account,omitempty"`
	Region     string `json:"region,omitempty"`
	Source     string `json:"source,omitempty"`
	Repository string `json:"repository,omitempty"`
	// Fingerprint is the finding's fingerprint, when the event is about one.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Message says what happened, in both languages.
	Message model.Text `json:"message"`
	// Link points to the finding in the service or dashboard.
	Link string `json:"link,omitempty"`
}

// EventID is the deduplication key of an event about a finding seen by a
// scan: the same change seen again by the same scan (a retried job) is the
// same event; the same change in a later scan (a finding that fails again
// after being resolved) is a new one.
func EventID(kind Kind, fingerprint, scanID string) string {
	sum := sha256.Sum256([]byte(string(kind) + "\x00" + fingerprint + "\x00" + scanID))
	return string(kind) + ":" + hex.EncodeToString(sum[:12])
}

// severityRank orders severities; an unknown one ranks 0.
func severityRank(s model.Severity) int {
	switch model.Severity(strings.ToUpper(string(s))) {
	case model.SeverityInfo:
		return 1
	case model.SeverityLow:
		return 2
	case model.SeverityMedium:
		return 3
	case model.SeverityHigh:
		return 4
	case model.SeverityCritical:
		return 5
	}
	return 0
}

// ParseSeverity accepts a severity name in any case.
func ParseSeverity(s string) (model.Severity, error) {
	v := model.Severity(strings.ToUpper(strings.TrimSpace(s)))
	if severityRank(v) == 0 {
		return "", fmt.Errorf("unknown severity %q (expected INFO, LOW, MEDIUM, HIGH or CRITICAL)", s)
	}
	return v, nil
}

// Filter selects the events a channel receives. Zero fields select
// everything.
type Filter struct {
	Kinds []Kind
	Rules []string
	// MinSeverity drops events whose severity ranks below it. An event
	// without a severity is delivered: a filter never hides what it cannot
	// rank.
	MinSeverity model.Severity
}

// Match reports whether ev passes f.
func (f Filter) Match(ev Event) bool {
	if len(f.Kinds) > 0 && !contains(f.Kinds, ev.Kind) {
		return false
	}
	if len(f.Rules) > 0 && !contains(f.Rules, ev.Rule) {
		return false
	}
	if f.MinSeverity != "" && ev.Severity != "" && severityRank(ev.Severity) < severityRank(f.MinSeverity) {
		return false
	}
	return true
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// title is the one-line headline of an event.
func title(ev Event) model.Text {
	subject := ev.Cluster
	if subject == "" {
		subject = "?"
	}
	switch ev.Kind {
	case KindNewFail:
		return model.T("New FAIL: %s on %s", "新たな FAIL：%[2]s の %[1]s", ev.Rule, subject)
	case KindResolved:
		return model.T("Resolved: %s on %s", "解決：%[2]s の %[1]s", ev.Rule, subject)
	case KindSuppressionExpired:
		return model.T("Suppression expired: %s on %s", "抑制の期限切れ：%[2]s の %[1]s", ev.Rule, subject)
	case KindDrillOverdue:
		return model.T("Backtrack drill overdue: %s", "バックトラック訓練の期限超過：%s", subject)
	}
	return model.T("%s: %s on %s", "%[1]s：%[3]s の %[2]s", string(ev.Kind), ev.Rule, subject)
}

// fact is one labelled detail of an event, in both languages.
type fact struct {
	label model.Text
	value string
}

// facts lists the event's non-empty details in a fixed order.
func facts(ev Event) []fact {
	var out []fact
	add := func(en, ja, v string) {
		if v != "" {
			out = append(out, fact{model.Text{EN: en, JA: ja}, v})
		}
	}
	add("Rule", "ルール", ev.Rule)
	add("Status", "ステータス", string(ev.Status))
	add("Severity", "重大度", string(ev.Severity))
	add("Cluster", "クラスター", ev.Cluster)
	add("Account", "アカウント", ev.Account)
	add("Region", "リージョン", ev.Region)
	add("Source", "ソース", ev.Source)
	add("Repository", "リポジトリ", ev.Repository)
	if !ev.Time.IsZero() {
		add("Time", "日時", ev.Time.UTC().Format(time.RFC3339))
	}
	return out
}

// plainText is the event as lines of text in lang (SNS, Slack fallback).
func plainText(ev Event, lang string) string {
	var b strings.Builder
	b.WriteString(title(ev).In(lang))
	if m := ev.Message.In(lang); m != "" {
		b.WriteString("\n" + m)
	}
	b.WriteString("\n")
	for _, f := range facts(ev) {
		b.WriteString("\n" + f.label.In(lang) + ": " + f.value)
	}
	if ev.Link != "" {
		b.WriteString("\n" + model.T("Details", "詳細").In(lang) + ": " + ev.Link)
	}
	return b.String()
}
