package fix

import (
	"github.com/kumoguard/kumoguard/internal/model"
)

// ClusterFacts is what a runbook or a migration needs to know about the
// source cluster: the settings the new cluster must copy (same subnet group,
// security groups, parameter groups and KMS key; instances matching the
// source; https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html).
type ClusterFacts struct {
	Identifier            string
	ARN                   string
	Account               string
	Region                string
	Engine                string
	EngineVersion         string
	EngineMode            string
	Port                  int32
	SubnetGroup           string
	SecurityGroups        []string
	ClusterParameterGroup string
	KMSKeyID              string
	StorageEncrypted      bool
	DeletionProtection    bool
	BacktrackWindow       int64
	Endpoint              string
	ReaderEndpoint        string
	Status                string
	Instances             []InstanceFacts
	Tags                  map[string]string

	// Source is where the facts come from: aws (complete) or IaC (partial:
	// what live AWS would tell is a placeholder).
	Source model.SourceKind
	// Address and Location name the IaC resource, for the adoption section.
	Address  string
	Location model.Location
}

// InstanceFacts is one DB instance of the source cluster.
type InstanceFacts struct {
	Identifier       string
	Class            string
	ParameterGroup   string
	AvailabilityZone string
	Writer           bool
	PromotionTier    int32
}

// FactsFromCluster builds the facts of a cluster: complete for a live
// cluster read from AWS (awssource.DescribeCluster fills Settings and
// Instances), partial for an IaC cluster.
func FactsFromCluster(c model.Cluster) ClusterFacts {
	f := ClusterFacts{Identifier: c.Name, ARN: c.ARN, Account: c.Account, Region: c.Region, Source: c.Source,
		Address: c.Address, Location: c.Location, Tags: c.Tags, Status: c.Status}
	f.Engine, _ = c.Engine.Get()
	f.EngineVersion, _ = c.EngineVersion.Get()
	f.EngineMode, _ = c.EngineMode.Get()
	f.BacktrackWindow, _ = c.BacktrackWindow.Get()
	if st := c.Settings; st != nil {
		f.Port, f.SubnetGroup, f.ClusterParameterGroup, f.KMSKeyID = st.Port, st.SubnetGroup, st.ClusterParameterGroup, st.KMSKeyID
		f.SecurityGroups = append([]string(nil), st.SecurityGroups...)
		f.StorageEncrypted, f.DeletionProtection = st.StorageEncrypted, st.DeletionProtection
		f.Endpoint, f.ReaderEndpoint = st.Endpoint, st.ReaderEndpoint
	}
	if len(c.Instances) > 0 {
		for _, in := range c.Instances { // writer first
			f.Instances = append(f.Instances, InstanceFacts{Identifier: in.Identifier, Class: in.Class, ParameterGroup: in.ParameterGroup,
				AvailabilityZone: in.AvailabilityZone, Writer: in.Writer, PromotionTier: in.PromotionTier})
		}
		return f
	}
	for i, cl := range c.InstanceClasses {
		f.Instances = append(f.Instances, InstanceFacts{Class: cl, Writer: i == 0})
	}
	return f
}
