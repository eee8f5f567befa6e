package cloudformation

import (
	"regexp"
	"strings"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

var ruleIDPattern = regexp.MustCompile(`^KG-[A-Z]+-\d{3}$`)

// readSuppressions reads the resource's Metadata:
//
//	Metadata:
//	  kumoguard:
//	    ignore:
//	      - id: KG-BT-001
//	        reason: legacy cluster, migration planned
//	        until: 2027-03-31
//
// An entry without a reason, with a rule ID that is not one or with a date
// that is not YYYY-MM-DD is an ERROR at the entry, and is not applied.
func (s *stack) readSuppressions(r *resource) []model.Suppression {
	kg := r.metadata.get("kumoguard")
	if kg == nil {
		return nil
	}
	bad := func(p pos, msg model.Text) {
		s.diags = append(s.diags, model.Diagnostic{Status: model.StatusError, Reason: model.ReasonInvalidValue, Location: s.t.loc(p),
			Resource: model.Resource{Kind: model.SourceCloudFormation, Type: r.typ, Address: s.address + r.id}, Message: msg,
			Remediation: model.T("Write each entry as {id: KG-BT-001, reason: why this is accepted, until: YYYY-MM-DD (optional)}.",
				"各エントリーは {id: KG-BT-001, reason: 許容する理由, until: YYYY-MM-DD（任意）} の形式で記述してください。")})
	}
	ign := kg.get("ignore")
	if kg.kind != kindMap || ign == nil || ign.kind != kindSeq {
		p := kg.pos
		if ign != nil {
			p = ign.pos
		}
		bad(p, model.T("Metadata.kumoguard must be {ignore: [{id, reason, until}]}", "Metadata.kumoguard は {ignore: [{id, reason, until}]} の形式である必要があります"))
		return nil
	}
	var out []model.Suppression
	for _, e := range ign.vals {
		if e.kind != kindMap {
			bad(e.pos, model.T("a kumoguard ignore entry is %s (expected {id, reason, until})", "kumoguard の ignore エントリーが %s です（{id, reason, until} が必要です）", e.describe()))
			continue
		}
		id := e.get("id")
		if id == nil || !id.isScalar() || !ruleIDPattern.MatchString(strings.ToUpper(strings.TrimSpace(id.str))) {
			p := e.pos
			got := model.T("nothing", "値なし")
			if id != nil {
				p, got = id.pos, id.describe()
			}
			bad(p, model.T("kumoguard ignore id is %s (expected a rule ID such as KG-BT-001)", "kumoguard ignore の id が %s です（KG-BT-001 のようなルール ID が必要です）", got))
			continue
		}
		sup := model.Suppression{RuleID: strings.ToUpper(strings.TrimSpace(id.str)), Source: "metadata", Location: s.t.loc(e.pos)}
		if rn := e.get("reason"); rn != nil && rn.isScalar() && rn.kind != kindNull {
			sup.Reason = strings.TrimSpace(rn.str)
		}
		if sup.Reason == "" {
			bad(e.pos, model.T("suppression of %s has no reason (expected reason: why this is accepted)", "%s の抑制に reason がありません（許容する理由を reason に記述してください）", sup.RuleID))
			continue
		}
		if u := e.get("until"); u != nil {
			t, err := time.Parse("2006-01-02", u.str)
			if !u.isScalar() || err != nil {
				bad(u.pos, model.T("until %s is not a date (expected YYYY-MM-DD)", "until %s は日付ではありません（YYYY-MM-DD が必要です）", u.describe()))
				continue
			}
			sup.Until = &t
		}
		out = append(out, sup)
	}
	return out
}

// readCheckovSkips reads Checkov's skips in the resource's Metadata, as
// Checkov writes them
// (https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html):
//
//	Metadata:
//	  checkov:
//	    skip:
//	      - id: CKV_AWS_326
//	        comment: nightly rebuild from snapshot
//
// A skip of CKV_AWS_326 (Checkov's backtrack check) suppresses KG-BT-001
// with that comment as the reason; other checks and shapes kumoguard does
// not recognise are left to Checkov.
func (s *stack) readCheckovSkips(r *resource) []model.Suppression {
	skip := r.metadata.get("checkov").get("skip")
	if skip == nil || skip.kind != kindSeq {
		return nil
	}
	var out []model.Suppression
	for _, e := range skip.vals {
		id := e.get("id")
		if id == nil || !id.isScalar() {
			continue
		}
		comment := ""
		if c := e.get("comment"); c != nil && c.isScalar() && c.kind != kindNull {
			comment = c.str
		}
		if sup, ok := model.CheckovSkip(id.str, comment, "metadata", s.t.loc(e.pos)); ok {
			out = append(out, sup)
		}
	}
	return out
}
