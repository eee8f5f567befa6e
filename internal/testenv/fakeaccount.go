package testenv

// AWS Account Management, REST-JSON: ListRegions, which moto lacks.

import (
	"encoding/json"
	"net/http"
	"sort"
)

// DefaultRegions is what ListRegions answers when FakeOptions.Regions is nil.
var DefaultRegions = map[string]string{
	"us-east-1":      "ENABLED_BY_DEFAULT",
	"ap-northeast-1": "ENABLED_BY_DEFAULT",
	"ap-east-1":      "DISABLED",
}

func (f *FakeAWS) listRegions(w http.ResponseWriter, q fakeReq) {
	var in struct {
		RegionOptStatusContains []string
	}
	_ = json.Unmarshal(q.body, &in)
	regions := DefaultRegions
	if f.opts.Regions != nil {
		regions = f.opts.Regions(q.account)
	}
	want := map[string]bool{}
	for _, s := range in.RegionOptStatusContains {
		want[s] = true
	}
	type region struct{ RegionName, RegionOptStatus string }
	out := struct{ Regions []region }{Regions: []region{}}
	for name, st := range regions {
		if len(want) == 0 || want[st] {
			out.Regions = append(out.Regions, region{name, st})
		}
	}
	sort.Slice(out.Regions, func(i, j int) bool { return out.Regions[i].RegionName < out.Regions[j].RegionName })
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}
