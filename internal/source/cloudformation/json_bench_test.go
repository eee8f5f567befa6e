package cloudformation

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkParseJSON measures the JSON template reader alone on a
// CDK-style template (indented, one value per line) with 2,000 resources.
func BenchmarkParseJSON(b *testing.B) {
	res := map[string]any{}
	for i := 0; i < 2000; i++ {
		res[fmt.Sprintf("Db%dClusterABCDEF%02d", i, i%100)] = map[string]any{
			"Type": "AWS::RDS::DBCluster",
			"Properties": map[string]any{
				"BacktrackWindow": 86400, "DBClusterIdentifier": fmt.Sprintf("svc-%d-db", i), "Engine": "aurora-mysql",
				"MasterUserPassword":  map[string]any{"Fn::Join": []any{"", []any{"{{resolve:secretsmanager:", map[string]any{"Ref": "Secret"}, ":SecretString:password::}}"}}},
				"VpcSecurityGroupIds": []any{map[string]any{"Fn::GetAtt": []any{"Sg", "GroupId"}}},
				"Description":         "データベース クラスター",
			},
			"Metadata": map[string]any{"aws:cdk:path": fmt.Sprintf("Stack/Db%d/Resource", i)},
		}
	}
	data, err := json.MarshalIndent(map[string]any{"Resources": res}, "", " ")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, msg, ok := parseJSON(data); !ok {
			b.Fatal(msg.EN)
		}
	}
}
