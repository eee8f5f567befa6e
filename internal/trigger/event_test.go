package trigger

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// snsWrapped is how an EventBridge event looks after an SNS topic in
// between (EventBridge → SNS → SQS without raw delivery).
func snsWrapped(t testing.TB, inner []byte) []byte {
	b, err := json.Marshal(map[string]string{"Type": "Notification", "MessageId": "m-1", "TopicArn": "arn:aws:sns:ap-northeast-1:123456789012:rds", "Message": string(inner)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParse(t *testing.T) {
	created := ScanRequest{Account: "123456789012", Region: "ap-northeast-1",
		ClusterARN: "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders", ClusterID: "orders",
		Reason: "RDS-EVENT-0170: DB cluster created", EventID: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
		Time: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		name     string
		body     []byte
		want     ScanRequest
		relevant bool
		bad      bool
	}{
		{"cluster created", sample(t, "cluster-created.json"), created, true, false},
		{"cluster created through SNS", snsWrapped(t, sample(t, "cluster-created.json")), created, true, false},
		{"cluster patched: no scan", sample(t, "cluster-patched.json"), ScanRequest{}, false, false},
		{"instance created", sample(t, "instance-created.json"), ScanRequest{Account: "123456789012", Region: "ap-northeast-1",
			InstanceARN: "arn:aws:rds:ap-northeast-1:123456789012:db:orders-instance-1", InstanceID: "orders-instance-1",
			Reason: "RDS-EVENT-0005: DB instance created", EventID: "68f6e973-1a0c-d37b-f2f2-94a7f62ffd4e",
			Time: time.Date(2026, 12, 3, 9, 12, 43, 0, time.UTC)}, true, false},
		{"instance failover: no scan", sample(t, "instance-failover.json"), ScanRequest{}, false, false},
		{"CloudTrail CreateDBCluster", sample(t, "cloudtrail-create-db-cluster.json"), ScanRequest{Account: "123456789012", Region: "ap-northeast-1",
			ClusterARN: "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders", ClusterID: "orders",
			Reason: "CloudTrail CreateDBCluster by arn:aws:sts::123456789012:assumed-role/Admin/alice", EventID: "0b5c3f4e-6f1e-2d2a-9a1b-3c8e4f5a6b7c",
			Time: time.Date(2026, 12, 3, 8, 59, 12, 0, time.UTC)}, true, false},
		{"CloudTrail restore to point in time", sample(t, "cloudtrail-restore-pitr.json"), ScanRequest{Account: "210987654321", Region: "eu-west-1",
			ClusterARN: "arn:aws:rds:eu-west-1:210987654321:cluster:billing-restored", ClusterID: "billing-restored",
			Reason: "CloudTrail RestoreDBClusterToPointInTime by arn:aws:sts::210987654321:assumed-role/DBA/carol", EventID: "2d7e5f60-8b30-4f4c-bc3d-5eaf6b7c8d9e",
			Time: time.Date(2026, 12, 3, 11, 30, 0, 0, time.UTC)}, true, false},
		{"CloudTrail failed call: no scan", sample(t, "cloudtrail-modify-denied.json"), ScanRequest{}, false, false},
		{"another source: no scan", []byte(`{"version":"0","id":"x","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"1","region":"us-east-1","detail":{}}`), ScanRequest{}, false, false},
		{"CloudTrail ModifyDBCluster by identifier", []byte(`{"id":"e","detail-type":"AWS API Call via CloudTrail","source":"aws.rds","account":"123456789012","region":"us-east-1","detail":{"eventSource":"rds.amazonaws.com","eventName":"ModifyDBCluster","requestParameters":{"dBClusterIdentifier":"Sales","backtrackWindow":86400}}}`),
			ScanRequest{Account: "123456789012", Region: "us-east-1", ClusterID: "sales", Reason: "CloudTrail ModifyDBCluster", EventID: "e"}, true, false},
		{"not JSON", []byte("hello"), ScanRequest{}, false, true},
		{"empty object", []byte("{}"), ScanRequest{}, false, true},
		{"no account", []byte(`{"detail-type":"RDS DB Cluster Event","source":"aws.rds","region":"us-east-1","detail":{"EventID":"RDS-EVENT-0170"}}`), ScanRequest{}, false, true},
		{"cluster event naming nothing", []byte(`{"detail-type":"RDS DB Cluster Event","source":"aws.rds","account":"1","region":"us-east-1","detail":{"EventID":"RDS-EVENT-0170"}}`), ScanRequest{}, false, true},
		{"detail of the wrong type", []byte(`{"detail-type":"RDS DB Cluster Event","source":"aws.rds","account":"1","region":"us-east-1","detail":[1,2]}`), ScanRequest{}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, relevant, err := Parse(tc.body)
			if tc.bad {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("err = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if relevant != tc.relevant || got != tc.want {
				t.Errorf("Parse = %+v, %v\nwant   %+v, %v", got, relevant, tc.want, tc.relevant)
			}
		})
	}
}

// The example rule pattern shipped in examples/eventbridge sends exactly
// what Parse acts on: it matches every relevant sample and none of the
// others.
func TestExamplePatternMatchesParse(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "eventbridge", "rule-pattern.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("rule-pattern.json: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if len(files) < 7 {
		t.Fatalf("%d samples", len(files))
	}
	for _, f := range files {
		body := sample(t, filepath.Base(f))
		var ev map[string]any
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Fatal(err)
		}
		_, relevant, err := Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		if got := matchObj(p, ev); got != relevant {
			t.Errorf("%s: the pattern matches = %v, Parse relevant = %v", filepath.Base(f), got, relevant)
		}
	}
}

// matchObj evaluates the subset of EventBridge pattern syntax the example
// uses: arrays of exact strings, {"prefix": …}, {"exists": …}, nested
// objects and "$or"; an array value in the event matches when any element
// does.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
func matchObj(p map[string]any, ev map[string]any) bool {
	for k, pv := range p {
		if k == "$or" {
			ok := false
			for _, alt := range pv.([]any) {
				ok = ok || matchObj(alt.(map[string]any), ev)
			}
			if !ok {
				return false
			}
			continue
		}
		v, present := ev[k]
		switch pv := pv.(type) {
		case map[string]any:
			sub, ok := v.(map[string]any)
			if !ok || !matchObj(pv, sub) {
				return false
			}
		case []any:
			values := []any{v}
			if arr, isArr := v.([]any); isArr {
				values = arr
			}
			ok := false
			for _, alt := range pv {
				for _, v := range values {
					switch alt := alt.(type) {
					case string:
						ok = ok || v == alt
					case map[string]any:
						if pre, has := alt["prefix"].(string); has {
							s, isStr := v.(string)
							ok = ok || (isStr && len(s) >= len(pre) && s[:len(pre)] == pre)
						}
						if ex, has := alt["exists"].(bool); has {
							ok = ok || (ex == present)
						}
					}
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

func TestConfigRegion(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
		err  bool
	}{
		{Config{QueueURL: "https://sqs.ap-northeast-1.amazonaws.com/123456789012/q"}, "ap-northeast-1", false},
		{Config{QueueURL: "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q", VisibilityTimeout: "5m"}, "cn-north-1", false},
		{Config{}, "", true},
		{Config{QueueURL: "http://localhost:4566/000000000000/q"}, "", true},
		{Config{QueueURL: "https://sqs.us-east-1.amazonaws.com/1/q", VisibilityTimeout: "1s"}, "", true},
	} {
		got, err := tc.cfg.Region()
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%+v: Region = %q, %v", tc.cfg, got, err)
		}
	}
}

// The example queue policy lets only EventBridge send, only for the rule.
func TestExampleQueuePolicy(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "eventbridge", "queue-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Statement []struct {
			Effect    string
			Principal struct{ Service string }
			Action    string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Statement) != 1 {
		t.Fatalf("%d statements", len(p.Statement))
	}
	s := p.Statement[0]
	if s.Effect != "Allow" || s.Principal.Service != "events.amazonaws.com" || s.Action != "sqs:SendMessage" ||
		!strings.HasPrefix(s.Condition["ArnEquals"]["aws:SourceArn"], "arn:aws:events:") {
		t.Errorf("statement %+v", s)
	}
}
