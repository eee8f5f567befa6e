package testenv

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/smithy-go"
)

// The fake speaks the real RDS Query protocol: the SDK's own paginator and
// typed errors work against it, with no moto behind it.
func TestFakeRDSProtocol(t *testing.T) {
	f := NewFakeAWS("", FakeOptions{
		Synthetic: func(account, region string) []SyntheticCluster {
			cs := make([]SyntheticCluster, 45)
			for i := range cs {
				cs[i] = SyntheticCluster{ID: fmt.Sprintf("c%02d", i), Engine: "aurora-mysql", EngineMode: "provisioned", Status: "available", BacktrackWindow: aws.Int64(int64(i))}
			}
			return cs
		},
		Deny: func(account, region, action string) bool { return region == "eu-south-1" },
	})
	defer f.Close()
	ctx := context.Background()
	client := rds.NewFromConfig(Config(f.URL, "us-east-1"))

	tests := []struct {
		maxRecords int32
		pages      int
	}{{20, 3}, {100, 1}, {44, 2}}
	for _, tt := range tests {
		p := rds.NewDescribeDBClustersPaginator(client, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(tt.maxRecords)})
		pages, ids := 0, map[string]bool{}
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, c := range out.DBClusters {
				ids[aws.ToString(c.DBClusterIdentifier)] = true
			}
		}
		if pages != tt.pages || len(ids) != 45 {
			t.Errorf("MaxRecords %d: %d pages, %d clusters; want %d pages, 45", tt.maxRecords, pages, len(ids), tt.pages)
		}
	}

	var ae smithy.APIError
	_, err := client.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(10)})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValue" {
		t.Errorf("MaxRecords 10 must be rejected as AWS does (20..100): %v", err)
	}
	_, err = rds.NewFromConfig(Config(f.URL, "eu-south-1")).DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Errorf("denied region: %v", err)
	}
	if got := f.Calls()["rds:DescribeDBClusters"]; got != 8 {
		t.Errorf("call log counted %d DescribeDBClusters, want 8", got)
	}

	out, err := account.NewFromConfig(Config(f.URL, "us-east-1")).ListRegions(ctx, &account.ListRegionsInput{})
	if err != nil || len(out.Regions) != len(DefaultRegions) {
		t.Fatalf("ListRegions: %v %+v", err, out)
	}
	if f.Calls()["account:ListRegions"] != 1 {
		t.Errorf("calls: %v", f.Calls())
	}
}
