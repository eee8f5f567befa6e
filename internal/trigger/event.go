// Package trigger is kumoguard's fast detection: it consumes an Amazon SQS
// queue fed by an Amazon EventBridge rule on RDS events and turns each
// relevant event into a ScanRequest for one cluster, so that a cluster
// created without backtracking is a finding within minutes instead of at the
// next scheduled scan.
//
// Events understood (the EventBridge envelope, as an SQS target receives it):
//   - "RDS DB Cluster Event" (source aws.rds): cluster created
//     (RDS-EVENT-0170) and the creation / configuration change categories;
//   - "RDS DB Instance Event": the same categories, for the instance's
//     cluster (the handler resolves it);
//   - "AWS API Call via CloudTrail" with eventSource rds.amazonaws.com and
//     eventName CreateDBCluster, ModifyDBCluster or RestoreDBCluster*,
//     when the call succeeded.
//
// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-rds.html
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
package trigger

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ScanRequest asks for a scan of one cluster.
type ScanRequest struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	// ClusterARN is set when the event names the cluster's ARN;
	// ClusterID always when the cluster is known.
	ClusterARN string `json:"cluster_arn,omitempty"`
	ClusterID  string `json:"cluster_id,omitempty"`
	// InstanceARN/InstanceID are set for a DB instance event: the handler
	// finds the instance's cluster (DescribeDBInstances → DBClusterIdentifier).
	InstanceARN string `json:"instance_arn,omitempty"`
	InstanceID  string `json:"instance_id,omitempty"`
	// Reason says what happened, e.g. "RDS-EVENT-0170: DB cluster created"
	// or "CloudTrail ModifyDBCluster by arn:aws:iam::…".
	Reason string `json:"reason"`
	// EventID is the EventBridge event's id (deduplicate on it: SQS
	// delivers at least once).
	EventID string    `json:"event_id"`
	Time    time.Time `json:"time"`
}

// ErrMalformed wraps every reason a message is not an event this package
// can read. Such a message is left in the queue for its dead-letter queue.
var ErrMalformed = errors.New("malformed message")

// Detail types and names matched.
const (
	DetailCluster    = "RDS DB Cluster Event"
	DetailInstance   = "RDS DB Instance Event"
	DetailCloudTrail = "AWS API Call via CloudTrail"
)

// clusterCreated is the event ID of "DB cluster created".
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html#USER_Events.Messages.cluster
const clusterCreated = "RDS-EVENT-0170"

// relevantCategories are the RDS event categories that can change a
// cluster's backtrack configuration or bring a new cluster.
var relevantCategories = map[string]bool{"creation": true, "configuration change": true}

// cloudTrailCalls are the API calls that create a cluster or change one.
func cloudTrailCall(name string) bool {
	switch name {
	case "CreateDBCluster", "ModifyDBCluster":
		return true
	}
	return strings.HasPrefix(name, "RestoreDBCluster") // FromSnapshot, ToPointInTime, FromS3
}

// envelope is the EventBridge event structure.
type envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

type rdsDetail struct {
	EventCategories  []string `json:"EventCategories"`
	SourceType       string   `json:"SourceType"`
	SourceArn        string   `json:"SourceArn"`
	SourceIdentifier string   `json:"SourceIdentifier"`
	Message          string   `json:"Message"`
	EventID          string   `json:"EventID"`
}

type cloudTrailDetail struct {
	EventSource      string `json:"eventSource"`
	EventName        string `json:"eventName"`
	AWSRegion        string `json:"awsRegion"`
	ErrorCode        string `json:"errorCode"`
	RecipientAccount string `json:"recipientAccountId"`
	UserIdentity     struct {
		ARN string `json:"arn"`
	} `json:"userIdentity"`
	RequestParameters map[string]any `json:"requestParameters"`
	ResponseElements  map[string]any `json:"responseElements"`
}

// Parse reads one SQS message body. It returns the request and true for a
// relevant event, false (and no error) for a well-formed event that needs no
// scan (a failover, a snapshot, a failed API call), and an error wrapping
// ErrMalformed for anything else. An SNS notification wrapping an
// EventBridge event (EventBridge → SNS → SQS) is unwrapped.
func Parse(body []byte) (ScanRequest, bool, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return ScanRequest{}, false, fmt.Errorf("%w: not JSON: %v", ErrMalformed, err)
	}
	if env.DetailType == "" {
		var sns struct{ Type, Message string }
		if json.Unmarshal(body, &sns) == nil && sns.Type == "Notification" && sns.Message != "" {
			return Parse([]byte(sns.Message))
		}
		return ScanRequest{}, false, fmt.Errorf("%w: no detail-type: not an EventBridge event", ErrMalformed)
	}
	if env.Source != "aws.rds" {
		return ScanRequest{}, false, nil
	}
	if env.Account == "" || env.Region == "" || len(env.Detail) == 0 {
		return ScanRequest{}, false, fmt.Errorf("%w: %s without account, region or detail", ErrMalformed, env.DetailType)
	}
	req := ScanRequest{Account: env.Account, Region: env.Region, EventID: env.ID, Time: env.Time}
	switch env.DetailType {
	case DetailCluster, DetailInstance:
		var d rdsDetail
		if err := json.Unmarshal(env.Detail, &d); err != nil {
			return ScanRequest{}, false, fmt.Errorf("%w: %s detail: %v", ErrMalformed, env.DetailType, err)
		}
		relevant := d.EventID == clusterCreated
		for _, c := range d.EventCategories {
			relevant = relevant || relevantCategories[strings.ToLower(c)]
		}
		if !relevant {
			return ScanRequest{}, false, nil
		}
		res := d.SourceArn
		if res == "" && len(env.Resources) > 0 {
			res = env.Resources[0]
		}
		kind, id := rdsResource(res)
		if id == "" {
			id = strings.TrimPrefix(d.SourceIdentifier, "rds:")
			kind = map[string]string{DetailCluster: "cluster", DetailInstance: "db"}[env.DetailType]
			res = ""
		}
		if id == "" {
			return ScanRequest{}, false, fmt.Errorf("%w: %s %s names no resource", ErrMalformed, env.DetailType, d.EventID)
		}
		switch kind {
		case "cluster":
			req.ClusterARN, req.ClusterID = res, id
		case "db":
			req.InstanceARN, req.InstanceID = res, id
		default:
			return ScanRequest{}, false, nil // another resource type
		}
		req.Reason = strings.TrimSpace(d.EventID + ": " + d.Message)
		return req, true, nil
	case DetailCloudTrail:
		var d cloudTrailDetail
		if err := json.Unmarshal(env.Detail, &d); err != nil {
			return ScanRequest{}, false, fmt.Errorf("%w: CloudTrail detail: %v", ErrMalformed, err)
		}
		if d.EventSource != "rds.amazonaws.com" || !cloudTrailCall(d.EventName) || d.ErrorCode != "" {
			return ScanRequest{}, false, nil
		}
		if d.AWSRegion != "" {
			req.Region = d.AWSRegion
		}
		if d.RecipientAccount != "" {
			req.Account = d.RecipientAccount
		}
		if a, ok := d.ResponseElements["dBClusterArn"].(string); ok {
			if kind, id := rdsResource(a); kind == "cluster" {
				req.ClusterARN, req.ClusterID = a, id
			}
		}
		if req.ClusterID == "" {
			if id, ok := d.RequestParameters["dBClusterIdentifier"].(string); ok {
				if kind, aid := rdsResource(id); kind == "cluster" { // the API also takes an ARN
					req.ClusterARN, req.ClusterID = id, aid
				} else {
					req.ClusterID = strings.ToLower(id) // RDS stores identifiers lower-cased
				}
			}
		}
		if req.ClusterID == "" {
			return ScanRequest{}, false, fmt.Errorf("%w: CloudTrail %s without dBClusterIdentifier", ErrMalformed, d.EventName)
		}
		req.Reason = "CloudTrail " + d.EventName
		if d.UserIdentity.ARN != "" {
			req.Reason += " by " + d.UserIdentity.ARN
		}
		return req, true, nil
	}
	return ScanRequest{}, false, nil
}

// rdsResource splits an RDS ARN (arn:aws:rds:REGION:ACCOUNT:cluster:ID)
// into its resource type and identifier.
func rdsResource(s string) (kind, id string) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "rds" {
		return "", ""
	}
	kind, id, ok := strings.Cut(a.Resource, ":")
	if !ok {
		return "", ""
	}
	return kind, id
}
