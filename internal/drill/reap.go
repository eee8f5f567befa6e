package drill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/kumoguard/kumoguard/internal/model"
)

// ReapOptions configure Reap.
type ReapOptions struct {
	Lang  string
	Out   io.Writer
	Apply bool
	// WaitPoll and WaitTimeout bound the wait for each instance's deletion
	// (a cluster is deleted only once its instances are gone).
	WaitPoll    time.Duration
	WaitTimeout time.Duration
	Now         func() time.Time
}

// Expired is one drill clone whose expires-at tag has passed.
type Expired struct {
	Cluster   string
	ARN       string
	DrillID   string
	ExpiresAt time.Time
	Instances []string
	// Skip says why the clone is left alone (an instance without this
	// drill's tag), empty when it is reaped.
	Skip    string
	Deleted bool
	Err     error
}

// Reap lists the clusters named NamePrefix* that carry TagDrillID and whose
// TagExpiresAt has passed: what a killed drill left behind. With Apply it
// deletes each one's instances (only those tagged with the same drill id),
// waits until they are gone, then deletes the cluster (no final snapshot),
// checking the tags again right before each delete. It never touches a
// cluster without the tag, an unexpired one, or one not named like a drill.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html
func Reap(ctx context.Context, cfg aws.Config, o ReapOptions) ([]Expired, error) {
	if o.Now == nil {
		o.Now = func() time.Time { return time.Now().UTC() }
	}
	if o.WaitPoll <= 0 {
		o.WaitPoll = 15 * time.Second
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = DefaultCleanupTimeout
	}
	say := func(t model.Text) {
		if o.Out != nil {
			fmt.Fprintln(o.Out, t.In(o.Lang))
		}
	}
	api := rds.NewFromConfig(cfg)
	now := o.Now()
	var found []Expired
	p := rds.NewDescribeDBClustersPaginator(api, &rds.DescribeDBClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeDBClusters: %w", err)
		}
		for _, c := range page.DBClusters {
			id := aws.ToString(c.DBClusterIdentifier)
			if !strings.HasPrefix(id, NamePrefix) {
				continue
			}
			tags, err := clusterTags(ctx, api, c)
			if err != nil {
				return nil, err
			}
			drillID, exp, ok := drillTags(tags)
			if !ok || !exp.Before(now) {
				continue
			}
			e := Expired{Cluster: id, ARN: aws.ToString(c.DBClusterArn), DrillID: drillID, ExpiresAt: exp}
			for _, m := range c.DBClusterMembers {
				e.Instances = append(e.Instances, aws.ToString(m.DBInstanceIdentifier))
			}
			found = append(found, e)
		}
	}
	if len(found) == 0 {
		say(model.T("No expired drill clones (clusters named %s* tagged %s whose %s has passed).", "期限切れのドリルクローンはありません（%s* という名前で %s タグを持ち、%s を過ぎたクラスター）。", NamePrefix, TagDrillID, TagExpiresAt))
		return nil, nil
	}
	say(model.T("Expired drill clones:", "期限切れのドリルクローン："))
	for _, e := range found {
		say(model.T("  %s (drill %s, expired %s): delete instances [%s], then the cluster", "  %s（ドリル %s、期限 %s）：インスタンス [%s] を削除し、次にクラスターを削除",
			e.Cluster, e.DrillID, e.ExpiresAt.Format(time.RFC3339), strings.Join(e.Instances, ", ")))
	}
	if !o.Apply {
		say(model.T("Nothing deleted: run again with --apply to delete them.", "何も削除していません。削除するには --apply を付けて再実行してください。"))
		return found, nil
	}
	var errs []error
	for i := range found {
		e := &found[i]
		e.Err = reapOne(ctx, api, e, o)
		switch {
		case e.Err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", e.Cluster, e.Err))
			say(model.T("  %s: %v", "  %s：%v", e.Cluster, e.Err))
		case e.Skip != "":
			say(model.T("  %s left alone: %s", "  %s は削除しません：%s", e.Cluster, e.Skip))
		default:
			say(model.T("  deleted %s", "  %s を削除しました", e.Cluster))
		}
	}
	return found, errors.Join(errs...)
}

func reapOne(ctx context.Context, api *rds.Client, e *Expired, o ReapOptions) error {
	// Instances first: a cluster with instances cannot be deleted.
	for _, inst := range e.Instances {
		out, err := api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(inst)})
		var nf *types.DBInstanceNotFoundFault
		if errors.As(err, &nf) || (err == nil && len(out.DBInstances) == 0) {
			continue
		}
		if err != nil {
			return fmt.Errorf("DescribeDBInstances %s: %w", inst, err)
		}
		in := out.DBInstances[0]
		tags, err := api.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: in.DBInstanceArn})
		if err != nil {
			return fmt.Errorf("ListTagsForResource %s: %w", inst, err)
		}
		id, _, ok := drillTags(tags.TagList)
		if !ok || id != e.DrillID || aws.ToString(in.DBClusterIdentifier) != e.Cluster {
			e.Skip = fmt.Sprintf("instance %s does not carry %s=%s", inst, TagDrillID, e.DrillID)
			return nil
		}
		if aws.ToString(in.DBInstanceStatus) != "deleting" {
			if _, err := api.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String(inst), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
				return fmt.Errorf("DeleteDBInstance %s: %w", inst, err)
			}
		}
		deadline := time.Now().Add(o.WaitTimeout)
		for {
			out, err := api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(inst)})
			if errors.As(err, &nf) || (err == nil && len(out.DBInstances) == 0) {
				break
			}
			if err != nil {
				return fmt.Errorf("DescribeDBInstances %s: %w", inst, err)
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("instance %s still exists after %s", inst, o.WaitTimeout)
			}
			if err := sleep(ctx, o.WaitPoll); err != nil {
				return err
			}
		}
	}
	// The cluster's tags again, right before deleting it.
	tags, err := api.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String(e.ARN)})
	if err != nil {
		return fmt.Errorf("ListTagsForResource %s: %w", e.Cluster, err)
	}
	id, exp, ok := drillTags(tags.TagList)
	if !ok || id != e.DrillID || !exp.Before(o.Now()) || !strings.HasPrefix(e.Cluster, NamePrefix) {
		e.Skip = "its drill tags changed"
		return nil
	}
	if _, err := api.DeleteDBCluster(ctx, &rds.DeleteDBClusterInput{DBClusterIdentifier: aws.String(e.Cluster), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		return fmt.Errorf("DeleteDBCluster %s: %w", e.Cluster, err)
	}
	e.Deleted = true
	return nil
}

func clusterTags(ctx context.Context, api *rds.Client, c types.DBCluster) ([]types.Tag, error) {
	if len(c.TagList) > 0 {
		return c.TagList, nil
	}
	out, err := api.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: c.DBClusterArn})
	if err != nil {
		return nil, fmt.Errorf("ListTagsForResource %s: %w", aws.ToString(c.DBClusterIdentifier), err)
	}
	return out.TagList, nil
}

// drillTags returns the drill id and expiry; ok is false without a drill id
// or without a readable expiry (such a cluster is never reaped).
func drillTags(tags []types.Tag) (id string, expires time.Time, ok bool) {
	var exp string
	for _, t := range tags {
		switch aws.ToString(t.Key) {
		case TagDrillID:
			id = aws.ToString(t.Value)
		case TagExpiresAt:
			exp = aws.ToString(t.Value)
		}
	}
	if id == "" {
		return "", time.Time{}, false
	}
	e, err := time.Parse(time.RFC3339, exp)
	if err != nil {
		return id, time.Time{}, false
	}
	return id, e, true
}
