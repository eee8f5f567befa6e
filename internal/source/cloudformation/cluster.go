package cloudformation

import (
	"strconv"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// clusterType is the CloudFormation type kumoguard evaluates.
const clusterType = "AWS::RDS::DBCluster"

// valueProperties are the DBCluster properties that become model values.
// Problems inside them are reported on the cluster's finding, not as
// separate diagnostics.
var valueProperties = map[string]bool{
	"Engine": true, "EngineVersion": true, "EngineMode": true, "BacktrackWindow": true,
	"GlobalClusterIdentifier": true, "ReplicationSourceIdentifier": true, "ServerlessV2ScalingConfiguration": true,
}

// propValue evaluates one property of a cluster over every world.
func (s *stack) propValue(r *resource, prop string) (result, bool) {
	if r.props == nil {
		return result{}, false
	}
	n := r.props.get(prop)
	if n == nil {
		return result{}, false
	}
	v := s.evalResourceValue(r, n)
	if v.kind == resSkip {
		return result{}, false
	}
	return v, true
}

// toValue turns an evaluated property into a model value. conv converts one
// concrete value (or says what was expected); noValue is what AWS::NoValue
// means for the property (its default) when it is one candidate among others.
func toValue[T comparable](prop string, r result, present bool, conv func(result) (T, *model.Text), noValue T) model.Value[T] {
	if !present {
		return model.Value[T]{}
	}
	attr := model.Origin{Kind: model.OriginAttribute, Name: prop, Location: r.use}
	switch r.kind {
	case resNoValue:
		return model.Value[T]{}
	case resInvalid:
		return model.InvalidValue[T](r.use, bi("%s: %s", "%s：%s", prop, r.why))
	case resKnown:
		v, bad := conv(r)
		if bad != nil {
			return model.InvalidValue[T](r.use, bi("%s: %s", "%s：%s", prop, *bad))
		}
		out := model.KnownValue(v, r.use, append([]model.Origin{attr}, r.prov...)...)
		out.Sensitive = r.secret
		return out
	}
	var cands []T
	for _, c := range r.cands {
		if c.kind == resNoValue {
			cands = appendUnique(cands, noValue)
			continue
		}
		v, bad := conv(c)
		if bad != nil {
			return model.InvalidValue[T](r.use, bi("%s: one possible value is wrong: %s", "%s：取り得る値の 1 つが不正です：%s", prop, *bad))
		}
		cands = appendUnique(cands, v)
	}
	out := model.UnknownValue(r.use, r.why, cands...)
	out.Provenance = append([]model.Origin{attr}, r.prov...)
	return out
}

func appendUnique[T comparable](s []T, v T) []T {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func convString(r result) (string, *model.Text) {
	if !r.isScalar() || r.sk == kindNull {
		t := model.T("expected a string, got %s", "文字列が必要ですが、%s です", describeResult(r))
		return "", &t
	}
	return r.s, nil
}

// convWindow reads BacktrackWindow: an integer, or a string of digits
// (CloudFormation converts numeric strings). Range is policy's business
// (0–259200, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html),
// so out-of-range numbers are returned as they are.
func convWindow(r result) (int64, *model.Text) {
	if r.isScalar() && (r.sk == kindInt || r.sk == kindString) {
		base := 10
		if l := strings.ToLower(r.s); r.sk == kindInt && (strings.HasPrefix(l, "0x") || strings.HasPrefix(l, "0o")) {
			base = 0 // YAML integers may be written 0x15180 or 0o250600
		}
		if n, err := strconv.ParseInt(r.s, base, 64); err == nil {
			return n, nil
		}
	}
	t := model.T("expected a whole number of seconds from 0 to 259200 (e.g. 86400 for 24 hours), got %s", "0～259200 の整数の秒数（例：24 時間なら 86400）が必要ですが、%s です", describeResult(r))
	return 0, &t
}

func convPresent(r result) (bool, *model.Text) {
	if r.sk != kindMap {
		t := model.T("expected a mapping with MinCapacity and MaxCapacity, got %s", "MinCapacity と MaxCapacity を持つマッピングが必要ですが、%s です", describeResult(r))
		return false, &t
	}
	return true, nil
}

// describeResult names a value in both languages ("number 1.5" / "数値 1.5"):
// model.T gives each language its own.
func describeResult(r result) model.Text {
	switch {
	case r.secret:
		return model.T("(sensitive value)", "（sensitive な値）")
	case r.sk == kindSeq:
		return model.T("a list", "リスト")
	case r.sk == kindMap:
		return model.T("a mapping", "マッピング")
	case r.sk == kindNull:
		return model.T("an empty value", "空の値")
	case r.sk == kindString:
		q := strconv.Quote(r.s)
		return model.Text{EN: q, JA: q}
	}
	k := r.sk.text()
	return model.Text{EN: k.EN + " " + r.s, JA: k.JA + " " + r.s}
}

// buildCluster reads one AWS::RDS::DBCluster. It returns false when the
// resource's Condition is false, so the cluster is not created.
func (s *stack) buildCluster(r *resource) (model.Cluster, bool) {
	c := model.Cluster{
		Source:   model.SourceCloudFormation,
		Type:     clusterType,
		Address:  s.address + r.id,
		Location: s.t.loc(r.keyPos),
		Root:     s.rootFile,
		Creation: model.CreateNew,
		Notes:    append([]model.Text{}, s.notes...),
	}
	if created, note := s.resourceCreated(r); !created {
		return c, false
	} else if !note.IsZero() {
		c.Notes = append(c.Notes, note)
	}
	for _, tr := range s.t.transforms {
		if !knownTransforms[tr] {
			c.Notes = append(c.Notes, model.T("The template uses transform %s, a macro that can change it before deployment; kumoguard evaluates the template as written.",
				"テンプレートはトランスフォーム %s（デプロイ前にテンプレートを変更し得るマクロ）を使用しています。kumoguard は記述どおりのテンプレートを評価します。", tr))
		}
	}
	if o := r.loop; o != nil {
		c.Notes = append(c.Notes, model.T("Generated by %s (written at %s:%d) for item %q; changing the loop's body changes every resource it generates.",
			"%s（%s:%d に記述）が項目 %q について生成したリソースです。ループ本体を変更すると、生成されるすべてのリソースが変わります。", o.name, s.t.file, o.at.line, o.item))
	}
	for _, d := range s.t.dups {
		if d.affects(r.id) {
			c.Notes = append(c.Notes, model.T("Key %q is written twice in the same mapping (%s:%d and %s:%d); CloudFormation keeps the last one, and so does kumoguard.",
				"キー %q が同じマッピングに 2 回書かれています（%s:%d と %s:%d）。CloudFormation は後の方を使い、kumoguard も同じく後の方で評価します。",
				d.key, s.t.file, d.first.line, s.t.file, d.last.line))
		}
	}
	if r.props == nil {
		c.Notes = append(c.Notes, model.T("The resource has no Properties.", "このリソースには Properties がありません。"))
	} else if name, ok := r.props.intrinsicName(); ok {
		c.Notes = append(c.Notes, model.T("Properties is computed by %s, which kumoguard does not expand.", "Properties は %s で計算されており、kumoguard は展開しません。", name))
	}

	if v, ok := s.propValue(r, "DBClusterIdentifier"); ok && v.isScalar() {
		c.Name = v.s
	}
	v, ok := s.propValue(r, "Engine")
	c.Engine = toValue("Engine", v, ok, convString, "")
	v, ok = s.propValue(r, "EngineVersion")
	c.EngineVersion = toValue("EngineVersion", v, ok, convString, "")
	v, ok = s.propValue(r, "EngineMode")
	c.EngineMode = toValue("EngineMode", v, ok, convString, "provisioned") // CloudFormation's default mode
	v, ok = s.propValue(r, "BacktrackWindow")
	c.BacktrackWindow = toValue("BacktrackWindow", v, ok, convWindow, 0) // AWS default 0 (disabled)
	v, ok = s.propValue(r, "GlobalClusterIdentifier")
	c.GlobalClusterID = toValue("GlobalClusterIdentifier", v, ok, convString, "")
	if c.GlobalClusterID.State == model.Known && c.GlobalClusterID.V == "" {
		c.GlobalClusterID = model.Value[string]{}
	}
	v, ok = s.propValue(r, "ReplicationSourceIdentifier")
	c.ReplicationSource = toValue("ReplicationSourceIdentifier", v, ok, convString, "")
	v, ok = s.propValue(r, "ServerlessV2ScalingConfiguration")
	c.ServerlessV2 = toValue("ServerlessV2ScalingConfiguration", v, ok, convPresent, false)

	s.readCreation(r, &c)
	c.Suppressions = append(s.readSuppressions(r), s.readCheckovSkips(r)...)
	return c, true
}

// readCreation sets how the cluster is created (backtrack can only be enabled
// at creation): a snapshot restore, a point-in-time restore or a copy-on-write
// clone (SnapshotIdentifier, RestoreType, SourceDBClusterIdentifier:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html).
func (s *stack) readCreation(r *resource, c *model.Cluster) {
	noteUnknown := func(prop string, v result) {
		c.Notes = append(c.Notes, bi("%s could not be resolved (%s), so kumoguard does not know whether the cluster is restored or cloned.",
			"%s を解決できないため（%s）、クラスターが復元またはクローンで作成されるかは不明です。", prop, v.why))
	}
	if v, ok := s.propValue(r, "SnapshotIdentifier"); ok {
		switch {
		case v.isScalar() && v.s != "":
			c.Creation, c.CreationSource = model.CreateFromSnapshot, v.s
			return
		case v.kind == resUnknown:
			noteUnknown("SnapshotIdentifier", v)
			return
		}
	}
	if v, ok := s.propValue(r, "SourceDBClusterIdentifier"); ok {
		switch {
		case v.isScalar() && v.s != "":
			c.Creation, c.CreationSource = model.CreatePointInTime, v.s
			rt, ok := s.propValue(r, "RestoreType")
			switch {
			case ok && rt.isScalar() && strings.EqualFold(rt.s, "copy-on-write"):
				c.Creation = model.CreateClone
			case ok && rt.kind == resUnknown:
				noteUnknown("RestoreType", rt)
			}
			return
		case v.kind == resUnknown:
			noteUnknown("SourceDBClusterIdentifier", v)
			return
		}
	}
	if src, ok := c.ReplicationSource.Get(); ok && src != "" {
		c.Creation, c.CreationSource = model.CreateReplicaOfCluster, src
	}
}

// resourceCreated evaluates a resource's Condition: false means the
// resource is not created; an unknown condition gives a note.
func (s *stack) resourceCreated(r *resource) (bool, model.Text) {
	if r.cond == "" {
		return true, model.Text{}
	}
	v := s.evalConditionAll(r.cond, r.condPos)
	switch v.kind {
	case resKnown:
		return v.s == "true", model.Text{}
	case resInvalid:
		return true, bi("The resource's Condition %q is invalid (%s); it is evaluated as if created.", "リソースの Condition %q が不正です（%s）。作成されるものとして評価します。", r.cond, v.why)
	}
	if len(v.cands) == 1 && v.cands[0].s == "false" {
		return false, model.Text{}
	}
	if len(v.cands) == 1 && v.cands[0].s == "true" {
		return true, model.Text{}
	}
	return true, bi("The resource is created only when condition %q is true, and that could not be resolved (%s); it is evaluated as if created.",
		"このリソースは条件 %q が真の場合にのみ作成されますが、それを解決できません（%s）。作成されるものとして評価します。", r.cond, v.why)
}
