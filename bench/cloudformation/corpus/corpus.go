// Package corpus writes synthetic, deterministic CloudFormation templates
// for the CloudFormation source's benchmark (BenchmarkScanTemplates) and
// bench/cloudformation.
package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Write writes n realistic templates with clustersPer
// AWS::RDS::DBCluster resources each into dir (parameters with
// AllowedValues, mappings, conditions, Fn::Sub, Fn::If, Fn::FindInMap,
// instances, subnet groups and security groups, every second template in
// JSON like CDK output) and returns their paths.
func Write(dir string, n, clustersPer int) ([]string, error) {
	paths := make([]string, 0, n)
	for i := 0; i < n; i++ {
		var body string
		name := fmt.Sprintf("stack-%04d.yaml", i)
		if i%2 == 1 {
			name = fmt.Sprintf("Stack%04d.template.json", i)
			body = templateJSON(i, clustersPer)
		} else {
			body = templateYAML(i, clustersPer)
		}
		p := filepath.Join(dir, fmt.Sprintf("svc%02d", i%20), name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func templateYAML(i, clusters int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `AWSTemplateFormatVersion: "2010-09-09"
Description: Service %d databases
Parameters:
  Env:
    Type: String
    Default: prod
    AllowedValues: [dev, staging, prod]
  Window:
    Type: Number
    Default: 86400
Mappings:
  EnvConfig:
    dev: {Window: 3600, Class: db.t4g.medium}
    staging: {Window: 86400, Class: db.r6g.large}
    prod: {Window: 259200, Class: db.r6g.xlarge}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsNotDev: !Not [!Equals [!Ref Env, dev]]
Resources:
  SubnetGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: !Sub "svc-%d-${Env}"
      SubnetIds: [subnet-1, subnet-2, subnet-3]
  SecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: database
      VpcId: vpc-1
`, i, i)
	for c := 0; c < clusters; c++ {
		window := "!FindInMap [EnvConfig, !Ref Env, Window]"
		switch c % 5 {
		case 1:
			window = "!If [IsProd, !Ref Window, 0]"
		case 2:
			window = "72"
		case 3:
			window = `!Ref "AWS::NoValue"`
		case 4:
			window = `!If [IsNotDev, 86400, !Ref "AWS::NoValue"]`
		}
		fmt.Fprintf(&b, `  Cluster%d:
    Type: AWS::RDS::DBCluster
    Metadata:
      kumoguard:
        ignore:
          - id: KG-BT-002
            reason: benchmark
            until: 2030-01-01
    Properties:
      DBClusterIdentifier: !Sub "svc-%d-db%d-${Env}"
      Engine: aurora-mysql
      EngineVersion: 8.0.mysql_aurora.3.04.0
      BacktrackWindow: %s
      DBSubnetGroupName: !Ref SubnetGroup
      VpcSecurityGroupIds: [!GetAtt SecurityGroup.GroupId]
      MasterUsername: admin
      ManageMasterUserPassword: true
      StorageEncrypted: true
      Tags:
        - {Key: env, Value: !Ref Env}
  Instance%d:
    Type: AWS::RDS::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Cluster%d
      DBInstanceClass: !FindInMap [EnvConfig, !Ref Env, Class]
      Engine: aurora-mysql
`, c, i, c, window, c, c)
	}
	return b.String()
}

func templateJSON(i, clusters int) string {
	var b strings.Builder
	b.WriteString("{\n \"Resources\": {\n")
	for c := 0; c < clusters; c++ {
		fmt.Fprintf(&b, `  "Db%dCluster%08X": {
   "Type": "AWS::RDS::DBCluster",
   "Properties": {
    "BacktrackWindow": %d,
    "DBClusterIdentifier": "svc-%d-db%d",
    "Engine": "aurora-mysql",
    "EngineVersion": "8.0.mysql_aurora.3.10.0",
    "MasterUsername": "admin",
    "MasterUserPassword": {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "Secret"}, ":SecretString:password::}}"]]},
    "DBSubnetGroupName": {"Ref": "Subnets"},
    "VpcSecurityGroupIds": [{"Fn::GetAtt": ["Sg", "GroupId"]}]
   },
   "UpdateReplacePolicy": "Snapshot",
   "DeletionPolicy": "Snapshot",
   "Metadata": {"aws:cdk:path": "Stack%d/Db%d/Resource"}
  },
`, c, i*7+c, []int{86400, 0, 72, 259200, 3600}[c%5], i, c, i, c)
	}
	b.WriteString(`  "Subnets": {"Type": "AWS::RDS::DBSubnetGroup", "Properties": {"DBSubnetGroupDescription": "x", "SubnetIds": ["a", "b"]}},
  "Secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {}},
  "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "db"}}
 },
 "Parameters": {
  "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/hnb659fds/version"}
 }
}
`)
	return b.String()
}
