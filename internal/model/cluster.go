package model

import "time"

// SourceKind names the kind of input a cluster was read from.
type SourceKind string

const (
	SourceTerraform      SourceKind = "terraform"
	SourceTerraformPlan  SourceKind = "terraform-plan"
	SourceCloudFormation SourceKind = "cloudformation"
	SourceAWS            SourceKind = "aws"
)

// PlanAction is what a Terraform plan (or a change set) would do to a resource.
type PlanAction string

const (
	ActionNone    PlanAction = ""        // not from a plan
	ActionNoop    PlanAction = "no-op"   // exists and stays as it is
	ActionCreate  PlanAction = "create"  // does not exist yet
	ActionUpdate  PlanAction = "update"  // exists and is modified in place
	ActionReplace PlanAction = "replace" // destroyed and created again
	ActionDelete  PlanAction = "delete"  // destroyed
	ActionRead    PlanAction = "read"
	ActionForget  PlanAction = "forget" // removed from state, not destroyed (Terraform 1.7+ removed blocks)
)

// CreationMode is how a cluster is (or would be) created. It matters because
// backtracking can only be enabled at creation:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html
type CreationMode string

const (
	CreateNew              CreationMode = "new"
	CreateFromSnapshot     CreationMode = "snapshot"      // RestoreDBClusterFromSnapshot
	CreatePointInTime      CreationMode = "point-in-time" // RestoreDBClusterToPointInTime, full-copy
	CreateClone            CreationMode = "clone"         // copy-on-write: backtrack only if the source has it
	CreateFromS3           CreationMode = "s3"            // RestoreDBClusterFromS3
	CreateReplicaOfCluster CreationMode = "replica"       // ReplicationSourceIdentifier
)

// Cluster is everything kumoguard knows about one Aurora/RDS DB cluster,
// declared in code or running in AWS. Sources fill it; policy reads it.
type Cluster struct {
	Source SourceKind
	// Type is the source's own resource type: aws_rds_cluster,
	// AWS::RDS::DBCluster, or "AWS::RDS::DBCluster" for live clusters.
	Type string
	// Address identifies the resource in its source: a Terraform address
	// (module.db.aws_rds_cluster.this[0]), a CloudFormation logical ID path
	// (Stack/Nested/Database), or the ARN of a live cluster.
	Address string
	// Name is the DB cluster identifier when known.
	Name string
	// Location is the resource block, template resource or live resource.
	Location Location
	// Root is the Terraform root module directory or the template file the
	// resource belongs to, relative to the scan root.
	Root string

	Engine        Value[string]
	EngineVersion Value[string]
	EngineMode    Value[string]
	// BacktrackWindow is the target window in seconds. Absent means 0, the AWS
	// default: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
	BacktrackWindow Value[int64]
	// GlobalClusterID is set when the cluster is (or joins) a global database.
	GlobalClusterID Value[string]
	// ReplicationSource is the binlog/cross-Region replication source, if any.
	ReplicationSource Value[string]
	// ReadReplicas lists clusters replicating from this one (live only).
	ReadReplicas []string
	// ServerlessV2 is true for provisioned clusters with a Serverless v2
	// scaling configuration or db.serverless instances.
	ServerlessV2 Value[bool]
	// InstanceClasses lists the classes of the cluster's instances where seen.
	InstanceClasses []string
	// EnhancedBinlog is aurora_enhanced_binlog of the cluster's DB cluster
	// parameter group: true when it is 1. Absent when no parameter group the
	// source can see sets it (the default is 0, off). Enhanced binlog and
	// backtrack exclude each other:
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Enhanced.binlog.html
	// Where points at the parameter; Unknown says why it could not be read
	// (an unresolved value, AccessDenied on DescribeDBClusterParameters).
	EnhancedBinlog Value[bool] `json:",omitzero"`
	// ZeroETL is the number of zero-ETL integrations whose source is this
	// cluster, and ZeroETLIntegrations names them (integration name, ARN or
	// address). Absent when none is seen; Unknown when they could not be
	// listed (AccessDenied on DescribeIntegrations). Zero-ETL needs enhanced
	// binlog, so it excludes backtrack too:
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html
	ZeroETL             Value[int] `json:",omitzero"`
	ZeroETLIntegrations []string   `json:",omitempty"`
	// Creation is how the cluster is created, and CreationSource the snapshot
	// or source cluster for restores and clones.
	Creation       CreationMode
	CreationSource string

	// Plan: what the plan does to the cluster, and the backtrack window
	// before the change (from the plan's prior state).
	Action                PlanAction
	PriorBacktrackWindow  Value[int64]
	CountExpansionUnknown bool // count/for_each could not be resolved; evaluated once

	// Live-only fields.
	Account string
	Region  string
	ARN     string
	Status  string
	Tags    map[string]string
	Live    *LiveState
	// Settings are what a restored copy of a live cluster must keep (network,
	// parameter groups, KMS key, port); nil when not read from AWS.
	Settings *ClusterSettings `json:",omitempty"`
	// Instances are the live cluster's DB instances, writer first, then by
	// identifier (live only; InstanceClasses holds their classes).
	Instances []Instance `json:",omitempty"`
	// Drills is the drill evidence found for this cluster; nil when no
	// evidence directory or store was consulted (KG-BT-004 is then not run).
	Drills *DrillEvidence `json:",omitempty"`

	// Suppressions written next to the resource in the source (inline comments,
	// CloudFormation Metadata).
	Suppressions []Suppression
	// Notes are facts about how the cluster was read that every finding on it
	// should carry (e.g. "count could not be resolved; evaluated once").
	Notes []Text
}

// ClusterSettings are the settings of a live cluster that a copy restored
// from its snapshot must be given again (DescribeDBClusters).
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html
type ClusterSettings struct {
	Port                  int32
	SubnetGroup           string
	SecurityGroups        []string // VPC security group IDs
	ClusterParameterGroup string
	KMSKeyID              string
	StorageEncrypted      bool
	DeletionProtection    bool
	Endpoint              string
	ReaderEndpoint        string
}

// Instance is one DB instance of a live cluster (DescribeDBInstances, and
// DBClusterMembers for the writer).
type Instance struct {
	Identifier       string
	Class            string
	ParameterGroup   string
	AvailabilityZone string
	Writer           bool
	PromotionTier    int32
}

// LiveState is what only a running cluster can tell.
type LiveState struct {
	// ClusterCreateTime is when the cluster was created: its window cannot
	// be older than the cluster.
	ClusterCreateTime     *time.Time
	EarliestBacktrackTime *time.Time
	ObservedAt            time.Time
	// ActualWindowSeconds is now − EarliestBacktrackTime when known.
	ActualWindowSeconds   Value[int64]
	ConsumedChangeRecords Value[int64]
	// Metrics over the look-back period.
	LookbackSeconds           int64
	WindowAlerts              Value[float64] // sum of BacktrackWindowAlert
	ChangeRecordsStoredAvg    Value[float64] // average BacktrackChangeRecordsStored
	ChangeRecordsCreationRate Value[float64] // average per 5 minutes
	// MonthlyCostUSD is the estimated cost of the stored change records.
	MonthlyCostUSD             Value[float64]
	PricePerMillionRecordHours float64
	// PriceSource says where PricePerMillionRecordHours came from: the AWS
	// Price List API (with the date and usage type) or kumoguard's built-in
	// table (with its URL), and why the table was used when the API failed.
	PriceSource string
}

// Inventory is what one or more sources produced: clusters, plus problems
// that are not attached to any cluster (a file that does not parse, an
// account that cannot be assumed, a module that is not downloaded).
type Inventory struct {
	Clusters    []Cluster
	Diagnostics []Diagnostic
	// Coverage counts what was scanned (files, account-regions, ...).
	Coverage map[string]int
}

// Merge appends another inventory into this one.
func (inv *Inventory) Merge(o Inventory) {
	inv.Clusters = append(inv.Clusters, o.Clusters...)
	inv.Diagnostics = append(inv.Diagnostics, o.Diagnostics...)
	for k, v := range o.Coverage {
		if inv.Coverage == nil {
			inv.Coverage = map[string]int{}
		}
		inv.Coverage[k] += v
	}
}

// Diagnostic is a problem a source met outside any one cluster's attributes.
// Status is ERROR (broken input) or UNKNOWN (input that could not be followed,
// such as a remote module that is not downloaded).
type Diagnostic struct {
	Status   Status
	Reason   Reason
	Location Location
	// Resource names what the diagnostic is about when there is one
	// (a module address, an account/region scope).
	Resource Resource
	Message  Text
	// Remediation says how to fix the input, when there is a fix.
	Remediation Text
}
