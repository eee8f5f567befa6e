package testenv

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"
)

func TestReplaceClusterStatus(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<DBCluster><VpcSecurityGroups><VpcSecurityGroupMembership><Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups><Status>available</Status></DBCluster>",
			"<DBCluster><VpcSecurityGroups><VpcSecurityGroupMembership><Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups><Status>backtracking</Status></DBCluster>"},
		{"<DBCluster><Status>available</Status><X/></DBCluster>", "<DBCluster><Status>backtracking</Status><X/></DBCluster>"},
		{"<DBCluster><A><Status>x</Status></A></DBCluster>", "<DBCluster><A><Status>x</Status></A></DBCluster>"},
	} {
		if got := replaceClusterStatus(tc.in, "backtracking"); got != tc.want {
			t.Errorf("replaceClusterStatus(%s) = %s", tc.in, got)
		}
	}
}

// TestFakeBacktrack: a backtrack moves pending → applying → completed (or
// failed) one step per DescribeDBClusterBacktracks, the cluster reads
// "backtracking" meanwhile, and bad requests get the Query protocol's errors.
func TestFakeBacktrack(t *testing.T) {
	// This package has no TestMain: the test starts its own moto_server.
	mo, err := StartMoto()
	if err != nil {
		t.Skip(err)
	}
	defer mo.Stop()
	ctx := WithTimeout(t, 30*time.Second)
	direct := rds.NewFromConfig(Config(mo.URL, "us-east-1"))
	for _, id := range []string{"good", "bad"} {
		if _, err := direct.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String(id), Engine: aws.String("aurora-mysql"),
			MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-real-password-1"), BacktrackWindow: aws.Int64(3600)}); err != nil {
			t.Fatal(err)
		}
	}
	var completed []string
	ebt := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	fb := NewFakeBacktrack(mo.URL, FakeBacktrackOptions{
		Fail:                  func(id string) bool { return id == "bad" },
		OnComplete:            func(id string, _, _ time.Time) error { completed = append(completed, id); return nil },
		EarliestBacktrackTime: func(string) *time.Time { return &ebt },
	})
	defer fb.Close()
	api := rds.NewFromConfig(Config(fb.URL, "us-east-1"))
	for _, tc := range []struct {
		id   string
		want []string
	}{{"good", []string{"applying", "completed", "completed"}}, {"bad", []string{"applying", "failed", "failed"}}} {
		out, err := api.BacktrackDBCluster(ctx, &rds.BacktrackDBClusterInput{DBClusterIdentifier: aws.String(tc.id), BacktrackTo: aws.Time(time.Now().Add(-time.Minute))})
		if err != nil || aws.ToString(out.Status) != "pending" || aws.ToString(out.BacktrackIdentifier) == "" {
			t.Fatalf("%s: BacktrackDBCluster %v %+v", tc.id, err, out)
		}
		c, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(tc.id)})
		if err != nil || aws.ToString(c.DBClusters[0].Status) != "backtracking" || !aws.ToTime(c.DBClusters[0].EarliestBacktrackTime).Equal(ebt) {
			t.Fatalf("%s while pending: %v %+v", tc.id, err, c.DBClusters[0])
		}
		var got []string
		for range tc.want {
			b, err := api.DescribeDBClusterBacktracks(ctx, &rds.DescribeDBClusterBacktracksInput{DBClusterIdentifier: aws.String(tc.id)})
			if err != nil || len(b.DBClusterBacktracks) != 1 {
				t.Fatalf("%s: DescribeDBClusterBacktracks %v", tc.id, err)
			}
			got = append(got, aws.ToString(b.DBClusterBacktracks[0].Status))
		}
		if len(got) != len(tc.want) || got[0] != tc.want[0] || got[1] != tc.want[1] || got[2] != tc.want[2] {
			t.Errorf("%s: statuses %v, want %v", tc.id, got, tc.want)
		}
		c, _ = api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(tc.id)})
		if aws.ToString(c.DBClusters[0].Status) != "available" {
			t.Errorf("%s after the backtrack: %s", tc.id, aws.ToString(c.DBClusters[0].Status))
		}
	}
	if len(completed) != 1 || completed[0] != "good" {
		t.Errorf("OnComplete ran for %v", completed)
	}
	for _, tc := range []struct {
		name, id string
		to       time.Time
		code     string
	}{
		{"unknown cluster", "nope", time.Now().Add(-time.Minute), "DBClusterNotFoundFault"},
		{"in the future", "good", time.Now().Add(time.Hour), "InvalidParameterValue"},
	} {
		_, err := api.BacktrackDBCluster(context.Background(), &rds.BacktrackDBClusterInput{DBClusterIdentifier: aws.String(tc.id), BacktrackTo: aws.Time(tc.to)})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	var nf *types.DBClusterNotFoundFault
	if _, err := api.BacktrackDBCluster(ctx, &rds.BacktrackDBClusterInput{DBClusterIdentifier: aws.String("nope"), BacktrackTo: aws.Time(time.Now().Add(-time.Minute))}); !errors.As(err, &nf) {
		t.Errorf("unknown cluster is not a typed DBClusterNotFoundFault: %v", err)
	}
	// Copy-on-write clones join their source's clone group; the filter works.
	if _, err := api.RestoreDBClusterToPointInTime(ctx, &rds.RestoreDBClusterToPointInTimeInput{DBClusterIdentifier: aws.String("good-clone"),
		SourceDBClusterIdentifier: aws.String("good"), RestoreType: aws.String("copy-on-write"), UseLatestRestorableTime: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	c, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("good")})
	if err != nil || aws.ToString(c.DBClusters[0].CloneGroupId) == "" {
		t.Fatalf("no CloneGroupId: %v", err)
	}
	g, err := api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{Filters: []types.Filter{{Name: aws.String("clone-group-id"), Values: []string{aws.ToString(c.DBClusters[0].CloneGroupId)}}}})
	if err != nil || len(g.DBClusters) != 2 {
		t.Errorf("clone group members: %v %d", err, len(g.DBClusters))
	}
	var sawSource bool
	for _, r := range fb.Requests() {
		if r.Action == "rds:RestoreDBClusterToPointInTime" && r.Params["SourceDBClusterIdentifier"] == "good" {
			sawSource = true
		}
	}
	if !sawSource {
		t.Error("the request log lacks the restore")
	}
}
