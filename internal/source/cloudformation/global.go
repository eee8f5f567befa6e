package cloudformation

import (
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// markGlobalMembers applies AWS::RDS::GlobalCluster resources whose
// SourceDBClusterIdentifier names a cluster of the same stack (by Ref,
// Fn::GetAtt or its identifier): that cluster becomes the global database's
// primary, which does not support backtrack:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html
func (s *stack) markGlobalMembers(clusters []model.Cluster, first int) {
	for _, id := range s.t.resOrder {
		g := s.t.resources[id]
		if g.typ != "AWS::RDS::GlobalCluster" || g.props == nil {
			continue
		}
		src := g.props.get("SourceDBClusterIdentifier")
		if src == nil {
			continue
		}
		target := s.referencedCluster(src)
		for i := first; i < len(clusters); i++ {
			c := &clusters[i]
			if c.GlobalClusterID.State != model.Absent {
				continue // the cluster's own GlobalClusterIdentifier decides
			}
			logical := strings.TrimPrefix(c.Address, s.address)
			if strings.Contains(logical, "/") {
				continue // a nested stack's cluster
			}
			match := logical == target
			if !match && target == "" && c.Name != "" {
				if v := s.evalValue(src); v.isScalar() {
					match = strings.EqualFold(v.s, c.Name) || strings.HasSuffix(strings.ToLower(v.s), ":cluster:"+strings.ToLower(c.Name))
				}
			}
			if !match {
				continue
			}
			name := id
			if n := g.props.get("GlobalClusterIdentifier"); n != nil {
				if v := s.evalValue(n); v.isScalar() {
					name = v.s
				}
			}
			where := s.t.loc(src.pos)
			ref := model.Origin{Kind: model.OriginReference, Name: id + ".SourceDBClusterIdentifier", Location: where}
			created, note := s.resourceCreated(g)
			switch {
			case !created:
				continue
			case !note.IsZero():
				c.GlobalClusterID = model.UnknownValue(where, bi("global cluster %s uses this cluster as its source, but %s", "グローバルクラスター %s がこのクラスターをソースにしていますが、%s", id, note), name, "")
				c.GlobalClusterID.Provenance = []model.Origin{ref}
			default:
				c.GlobalClusterID = model.KnownValue(name, where, ref)
			}
		}
	}
}

// referencedCluster returns the logical ID of the DBCluster an expression
// refers to, or "".
func (s *stack) referencedCluster(n *node) string { return s.referencedResource(n, clusterType) }

// referencedResource returns the logical ID of a resource of type typ that
// an expression refers to by Ref, Fn::GetAtt or a one-variable Fn::Sub, or "".
func (s *stack) referencedResource(n *node, typ string) string {
	fn, arg, ok := n.intrinsic()
	if !ok {
		return ""
	}
	id := ""
	switch {
	case fn == "Ref" && arg.kind == kindString:
		id = arg.str
	case fn == "Fn::GetAtt" && arg.kind == kindSeq && len(arg.vals) == 2 && arg.vals[0].kind == kindString:
		id = arg.vals[0].str
	case fn == "Fn::Sub" && arg.kind == kindString:
		if parts, ok := parseSub(arg.str); ok && len(parts) == 1 && parts[0].isVar {
			id, _, _ = strings.Cut(parts[0].text, ".")
		}
	}
	if r, ok := s.t.resources[id]; ok && r.typ == typ {
		return id
	}
	return ""
}
