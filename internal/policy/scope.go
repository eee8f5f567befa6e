package policy

import (
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// scopeVerdict is the outcome of deciding whether backtrack rules apply.
type scopeVerdict struct {
	inScope bool
	status  model.Status
	reason  model.Reason
	message model.Text
	where   model.Location
	notes   []model.Text
	// step overrides the way out (StepScope by default).
	step model.ResolutionStep
}

// auroraMySQLEngines are the engine values that support backtrack
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html):
// aurora-mysql (v2, v3, 8.4) and the historic aurora (v1, MySQL 5.6).
func isAuroraMySQL(engine string) bool {
	e := strings.ToLower(strings.TrimSpace(engine))
	return e == "aurora-mysql" || e == "aurora"
}

// scope decides whether backtrack rules apply to a cluster, following
// the AWS limits listed with their sources in docs/backtrack-rules.md.
// Order matters: the first out-of-scope fact wins.
func scope(c model.Cluster) scopeVerdict {
	if c.Action == model.ActionDelete {
		return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonResourceDeleted,
			message: model.T("The plan deletes this cluster.", "プランはこのクラスターを削除します。")}
	}

	// Engine: Aurora MySQL only (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html).
	switch c.Engine.State {
	case model.Invalid:
		return scopeVerdict{status: model.StatusError, reason: model.ReasonInvalidValue, where: c.Engine.Where,
			message: model.Join(sentenceSep, model.T("The engine value is invalid.", "engine の値が不正です。"), c.Engine.Why)}
	case model.Absent:
		return scopeVerdict{status: model.StatusUnknown, reason: model.ReasonEngineNotSet,
			message: model.T("The engine is not set, so kumoguard cannot tell whether this is Aurora MySQL. "+
				"Terraform AWS provider v5+ and CloudFormation require it (before provider v5 the default was \"aurora\", Aurora MySQL 5.6).",
				"engine が設定されていないため、Aurora MySQL かどうか判断できません。"+
					"Terraform AWS プロバイダー v5 以降と CloudFormation では必須です（v5 より前の既定値は \"aurora\"、Aurora MySQL 5.6）。")}
	case model.Unknown:
		cands := c.Engine.Candidates
		if len(cands) == 0 {
			return unresolved("engine", c.Engine)
		}
		mysql := 0
		for _, e := range cands {
			if isAuroraMySQL(e) {
				mysql++
			}
		}
		if mysql == 0 {
			return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonEngineNotAuroraMySQL, where: c.Engine.Where,
				message: model.T("Every possible engine (%s) is not Aurora MySQL; backtrack exists only for Aurora MySQL.",
					"取り得るエンジン（%s）はいずれも Aurora MySQL ではありません。バックトラックは Aurora MySQL のみの機能です。",
					strings.Join(cands, ", "))}
		}
		if mysql != len(cands) {
			return unresolved("engine", c.Engine)
		}
	case model.Known:
		if !isAuroraMySQL(c.Engine.V) {
			return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonEngineNotAuroraMySQL, where: c.Engine.Where,
				message: model.T("Engine %q is not Aurora MySQL; backtrack exists only for Aurora MySQL (not Aurora PostgreSQL, RDS Multi-AZ clusters, Neptune or DocumentDB).",
					"エンジン %q は Aurora MySQL ではありません。バックトラックは Aurora MySQL のみの機能です（Aurora PostgreSQL、RDS マルチ AZ クラスター、Neptune、DocumentDB は対象外）。",
					c.Engine.V)}
		}
	}

	// Engine mode: not Serverless v1
	// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless.html)
	// nor the legacy multimaster, parallelquery and global modes
	// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html).
	switch c.EngineMode.State {
	case model.Invalid:
		return scopeVerdict{status: model.StatusError, reason: model.ReasonInvalidValue, where: c.EngineMode.Where,
			message: model.Join(sentenceSep, model.T("The engine mode value is invalid.", "engine_mode の値が不正です。"), c.EngineMode.Why)}
	case model.Unknown:
		allProvisioned := len(c.EngineMode.Candidates) > 0
		for _, m := range c.EngineMode.Candidates {
			if strings.ToLower(m) != "provisioned" {
				allProvisioned = false
			}
		}
		if !allProvisioned {
			return unresolved("engine mode", c.EngineMode)
		}
	case model.Known:
		switch strings.ToLower(c.EngineMode.V) {
		case "", "provisioned":
		case "serverless":
			return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonServerlessV1, where: c.EngineMode.Where,
				message: model.T("Aurora Serverless v1 (engine mode \"serverless\") does not support backtrack, and reached end of life on 31 Mar 2025. Migrate to Serverless v2 or provisioned to get backtrack.",
					"Aurora Serverless v1（エンジンモード \"serverless\"）はバックトラックに対応しておらず、2025 年 3 月 31 日にサポートが終了しました。バックトラックを使うには Serverless v2 またはプロビジョンドへ移行してください。")}
		case "multimaster", "parallelquery", "global":
			return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonEngineModeUnsupported, where: c.EngineMode.Where,
				message: model.T("Engine mode %q does not support backtrack (legacy mode).",
					"エンジンモード %q はバックトラックに対応していません（旧モード）。", c.EngineMode.V)}
		default:
			return scopeVerdict{status: model.StatusError, reason: model.ReasonInvalidValue, where: c.EngineMode.Where,
				message: model.T("Engine mode %q is not one of provisioned, serverless, parallelquery, global, multimaster.",
					"エンジンモード %q は provisioned、serverless、parallelquery、global、multimaster のいずれでもありません。", c.EngineMode.V)}
		}
	}

	// Global database membership, primary and secondary clusters alike
	// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html).
	switch c.GlobalClusterID.State {
	case model.Known:
		if c.GlobalClusterID.V != "" {
			return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonGlobalDatabaseMember, where: c.GlobalClusterID.Where,
				message: model.T("The cluster is a member of Aurora global database %q; global databases (primary and secondary clusters) do not support backtrack.",
					"このクラスターは Aurora グローバルデータベース %q のメンバーです。グローバルデータベース（プライマリ・セカンダリとも）はバックトラックに対応していません。",
					c.GlobalClusterID.V)}
		}
	case model.Unknown:
		if !allEmpty(c.GlobalClusterID.Candidates) {
			return unresolved("global cluster membership", c.GlobalClusterID)
		}
	case model.Invalid:
		return scopeVerdict{status: model.StatusError, reason: model.ReasonInvalidValue, where: c.GlobalClusterID.Where, message: c.GlobalClusterID.Why}
	}

	// Binlog replication (https://repost.aws/knowledge-center/aurora-mysql-cluster-backtrack).
	switch c.ReplicationSource.State {
	case model.Known:
		if c.ReplicationSource.V != "" {
			return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonBinlogReplication, where: c.ReplicationSource.Where,
				message: model.T("The cluster is a binlog replica of %q; backtrack is not supported with binlog replication.",
					"このクラスターは %q のバイナリログレプリカです。バイナリログレプリケーションとバックトラックは併用できません。", c.ReplicationSource.V)}
		}
	case model.Unknown:
		if !allEmpty(c.ReplicationSource.Candidates) {
			return unresolved("replication source", c.ReplicationSource)
		}
	}
	if len(c.ReadReplicas) > 0 {
		return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonBinlogReplication,
			message: model.T("The cluster is the source of binlog read replicas (%s); backtrack is not supported with binlog replication.",
				"このクラスターはバイナリログリードレプリカ（%s）のソースです。バイナリログレプリケーションとバックトラックは併用できません。",
				strings.Join(c.ReadReplicas, ", "))}
	}

	// Enhanced binlog and zero-ETL integrations exclude backtrack (exclusions.go).
	if v, decided := exclusions(c); decided {
		return v
	}

	// Regions (live only; see regionsWithoutBacktrack). The list is unconfirmed, so a cluster
	// that has a window in such a region is evaluated as usual.
	if c.Region != "" && regionWithoutBacktrack(c.Region) {
		if w, ok := c.BacktrackWindow.Get(); (ok && w == 0) || c.BacktrackWindow.State == model.Absent {
			return scopeVerdict{status: model.StatusNotApplicable, reason: model.ReasonRegionUnsupported,
				message: model.T("Region %s is listed by AWS as not offering backtrack (AWS re:Post knowledge center; the list is unconfirmed).",
					"リージョン %s は AWS がバックトラック非対応として挙げています（AWS re:Post ナレッジセンター。一覧は未確認）。", c.Region)}
		}
	}

	v := scopeVerdict{inScope: true}
	if sv2, ok := c.ServerlessV2.Get(); ok && sv2 {
		v.notes = append(v.notes, model.T(
			"Aurora Serverless v2: AWS documentation neither confirms nor rules out backtrack support for Serverless v2; verify in a sandbox before relying on it.",
			"Aurora Serverless v2：Serverless v2 のバックトラック対応は AWS ドキュメントで確認も否定もされていません。利用前にサンドボックスで確認してください。"))
	}
	if e, ok := c.Engine.Get(); ok && strings.ToLower(e) == "aurora" {
		v.notes = append(v.notes, model.T(
			"Engine \"aurora\" is Aurora MySQL version 1 (MySQL 5.6), which reached end of life on 28 Feb 2023; use aurora-mysql version 3 or 8.4.",
			"エンジン \"aurora\" は Aurora MySQL バージョン 1（MySQL 5.6）で、2023 年 2 月 28 日にサポートが終了しました。aurora-mysql バージョン 3 または 8.4 を使用してください。"))
	}
	if ver, ok := c.EngineVersion.Get(); ok && strings.HasPrefix(ver, "5.7.") {
		v.notes = append(v.notes, model.T(
			"Engine version %s is Aurora MySQL version 2, whose standard support ended on 31 Oct 2024; it runs under paid RDS Extended Support until 28 Feb 2027.",
			"エンジンバージョン %s は Aurora MySQL バージョン 2 で、標準サポートは 2024 年 10 月 31 日に終了しました。2027 年 2 月 28 日まで有料の RDS 延長サポートで稼働します。", ver))
	}
	if vs, _ := engineVersionSupport(c); vs.note != nil {
		v.notes = append(v.notes, *vs.note)
	}
	return v
}

// resolution is the way out of an out-of-scope or undecidable cluster: the
// reason says why, and fix says what (usually nothing). It never carries a
// target window, so fix never writes one for such a cluster.
func (s scopeVerdict) resolution() model.Resolution {
	step := model.StepScope
	if s.step != "" {
		step = s.step
	}
	return model.Resolution{Step: step, Actual: -1}
}

// liveResolution is the way out KG-BT-003 gives an out-of-scope cluster:
// none of its own unless the scope names a step.
func (s scopeVerdict) liveResolution() model.Resolution {
	if s.step == "" {
		return model.Resolution{}
	}
	return model.Resolution{Step: s.step, Actual: -1}
}

func allEmpty(ss []string) bool {
	if len(ss) == 0 {
		return false
	}
	for _, s := range ss {
		if s != "" {
			return false
		}
	}
	return true
}

func unresolved[T comparable](what string, v model.Value[T]) scopeVerdict {
	return scopeVerdict{status: model.StatusUnknown, reason: model.ReasonUnresolvedValue, where: v.Where,
		message: model.Join(sentenceSep,
			model.T("The %s could not be resolved, so kumoguard cannot tell whether backtrack applies.",
				"%s を解決できないため、バックトラックが適用対象か判断できません。", what),
			v.Why)}
}

// regionsWithoutBacktrack lists the Regions the AWS re:Post knowledge center
// names as not offering backtrack: Cape Town, Ningxia, Hong Kong, Milan,
// Stockholm, Bahrain, São Paulo.
// Source: https://repost.aws/knowledge-center/aurora-mysql-cluster-backtrack
// The three public lists differ; this is the most recent and the
// narrowest, so kumoguard marks as few clusters out of scope as it can.
var regionsWithoutBacktrack = map[string]bool{
	"af-south-1":     true,
	"cn-northwest-1": true,
	"ap-east-1":      true,
	"eu-south-1":     true,
	"eu-north-1":     true,
	"me-south-1":     true,
	"sa-east-1":      true,
}

func regionWithoutBacktrack(r string) bool { return regionsWithoutBacktrack[r] }
