package policy

import (
	"strconv"
	"strings"

	"github.com/kumoguard/kumoguard/internal/model"
)

// Engine versions and backtrack.
//
// Aurora MySQL version 2 supports backtrack from 2.06.0 (engine version
// 5.7.mysql_aurora.2.06.0 and later); version 3 and 8.4 support it
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html).
// The lowest 3.x minor version with backtrack is not documented. AWS rejected
// 3.02.0 with "Aurora MySQL Engine Version 8.0.mysql_aurora.3.02.0 with mode:
// PROVISIONED does not support Backtrack."
// (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1357),
// and support for version 3 was announced on 4 Jan 2023
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/WhatsNew.html).
// So kumoguard fails a window on 2.x before 2.06 and on 3.02.0, notes that
// support is unconfirmed on the other 3.x versions before 3.03, and
// evaluates every other version as before. Engine versions are written
// mysql-major.mysql_aurora.aurora-version, e.g. 8.0.mysql_aurora.3.04.0
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Updates.Versions.html).

// auroraVersion is the Aurora MySQL version inside an engine version
// string; patch is -1 when the string stops at the minor version.
type auroraVersion struct {
	major, minor, patch int
}

func (v auroraVersion) String() string {
	s := strconv.Itoa(v.major) + "." + twoDigits(v.minor)
	if v.patch >= 0 {
		s += "." + strconv.Itoa(v.patch)
	}
	return s
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// parseAuroraVersion reads "<mysql>.mysql_aurora.<major>.<minor>[.<patch>]".
func parseAuroraVersion(s string) (auroraVersion, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	i := strings.Index(s, ".mysql_aurora.")
	if i < 0 {
		return auroraVersion{}, false
	}
	parts := strings.Split(s[i+len(".mysql_aurora."):], ".")
	if len(parts) < 2 || len(parts) > 3 {
		return auroraVersion{}, false
	}
	nums := []int{0, 0, -1}
	for k, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" {
			return auroraVersion{}, false
		}
		nums[k] = n
	}
	return auroraVersion{major: nums[0], minor: nums[1], patch: nums[2]}, true
}

// versionSupport is what kumoguard knows about backtrack on one engine
// version: rejected (AWS refuses a window, or it does not work), or a note.
type versionSupport struct {
	rejected bool
	message  model.Text // why it is rejected
	note     *model.Text
}

func judgeVersion(ver string) versionSupport {
	av, ok := parseAuroraVersion(ver)
	if !ok {
		if strings.HasPrefix(strings.TrimSpace(ver), "5.7") {
			// Aurora MySQL 2 whose minor version kumoguard cannot read.
			n := model.T("kumoguard cannot read the Aurora MySQL version from engine version %q: on Aurora MySQL 2 backtrack needs 2.06.0 or later (5.7.mysql_aurora.2.06.0).",
				"エンジンバージョン %q から Aurora MySQL のバージョンを読み取れません。Aurora MySQL 2 でバックトラックを使うには 2.06.0 以降（5.7.mysql_aurora.2.06.0）が必要です。", ver)
			return versionSupport{note: &n}
		}
		return versionSupport{}
	}
	switch {
	case av.major == 2 && av.minor < 6:
		return versionSupport{rejected: true, message: model.T(
			"Engine version %s is Aurora MySQL %s, which does not support backtrack: Aurora MySQL 2 supports it only from 2.06.0 (5.7.mysql_aurora.2.06.0). AWS rejects a backtrack window on this version, so backtracking will not work.",
			"エンジンバージョン %s は Aurora MySQL %s で、バックトラックに対応していません。Aurora MySQL 2 での対応は 2.06.0（5.7.mysql_aurora.2.06.0）以降のみです。このバージョンでは AWS がバックトラックウィンドウを拒否するため、バックトラックは機能しません。",
			ver, av)}
	case av.major == 3 && av.minor == 2 && av.patch == 0:
		return versionSupport{rejected: true, message: model.T(
			"Engine version %s (Aurora MySQL 3.02.0) does not support backtrack: AWS rejected a backtrack window on it with \"Aurora MySQL Engine Version 8.0.mysql_aurora.3.02.0 with mode: PROVISIONED does not support Backtrack.\", so backtracking will not work. Use a later version 3 release or 8.4.",
			"エンジンバージョン %s（Aurora MySQL 3.02.0）はバックトラックに対応していません。AWS はこのバージョンでのバックトラックウィンドウを「Aurora MySQL Engine Version 8.0.mysql_aurora.3.02.0 with mode: PROVISIONED does not support Backtrack.」として拒否したため、バックトラックは機能しません。より新しいバージョン 3 のリリースか 8.4 を使用してください。",
			ver)}
	case av.major == 3 && av.minor <= 2:
		n := model.T("Engine version %s: AWS does not document the lowest Aurora MySQL 3 version with backtrack, and it rejected backtrack on 3.02.0; verify that this version accepts a backtrack window, or use 3.03 or later.",
			"エンジンバージョン %s：バックトラックに対応する最も古い Aurora MySQL 3 のバージョンは AWS ドキュメントに記載がなく、3.02.0 ではバックトラックが拒否されました。このバージョンでバックトラックウィンドウが受け付けられるか確認するか、3.03 以降を使用してください。", ver)
		return versionSupport{note: &n}
	}
	return versionSupport{}
}

// engineVersionSupport judges the cluster's engine version. An unknown
// version is rejected only when every value it can take is.
func engineVersionSupport(c model.Cluster) (versionSupport, model.Location) {
	v := c.EngineVersion
	switch v.State {
	case model.Known:
		return judgeVersion(v.V), v.Where
	case model.Unknown:
		if len(v.Candidates) == 0 {
			return versionSupport{}, v.Where
		}
		var first versionSupport
		for i, cand := range v.Candidates {
			s := judgeVersion(cand)
			if !s.rejected {
				return versionSupport{}, v.Where
			}
			if i == 0 {
				first = s
			}
		}
		return first, v.Where
	}
	return versionSupport{}, v.Where
}

// versionFail is the verdict on a cluster whose engine version does not
// support backtrack (rejected). A window set there is a FAIL of its own;
// a window of 0 keeps its reason (disabled), and in both cases the way out
// is a supported engine version, never a window written into the code.
func versionFail(c model.Cluster, w, min int64, vs versionSupport, where model.Location, disabled outcome) outcome {
	res := model.Resolution{Path: model.PathManual, Step: model.StepUpgradeEngine, Attribute: windowAttr(c),
		Window: w, WindowKnown: true, Minimum: clampMinimum(min), Actual: -1}
	if w > 0 {
		return outcome{status: model.StatusFail, reason: model.ReasonEngineVersionWithoutBacktrack, message: vs.message,
			where: where, resolution: res}
	}
	disabled.resolution = res
	disabled.notes = append(disabled.notes, vs.message)
	return disabled
}

// versionAware wraps a rule's judgement of a known window with the engine
// version check (see versionFail).
func versionAware(c model.Cluster, min int64, judge func(w int64) outcome) func(w int64) outcome {
	vs, where := engineVersionSupport(c)
	if !vs.rejected {
		return judge
	}
	return func(w int64) outcome {
		o := judge(w)
		if w > 0 || o.status == model.StatusFail {
			return versionFail(c, w, min, vs, where, o)
		}
		return o
	}
}
