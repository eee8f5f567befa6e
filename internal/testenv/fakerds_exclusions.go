package testenv

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"
)

// The RDS actions that tell whether backtrack is excluded from a cluster,
// answered in the RDS Query protocol:
//   - CreateIntegration and DescribeIntegrations (zero-ETL), which moto 5.2
//     does not implement (500 NotImplementedError);
//     https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeIntegrations.html
//   - DescribeDBClusterParameters, proxied to moto (which stores the
//     parameters ModifyDBClusterParameterGroup sets) with the request's
//     Source and parameter-name filter applied, as AWS does and moto does
//     not; a default.* group (which moto cannot describe) has no user
//     parameters.
//     https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusterParameters.html
//
// The state lives beside FakeAWS (keyed by it) so this file stands alone.

type fakeIntegration struct {
	account, region                 string
	name, arn, source, target, kind string
	created                         time.Time
}

var fakeIntegrations = struct {
	sync.Mutex
	m map[*FakeAWS][]fakeIntegration
}{m: map[*FakeAWS][]fakeIntegration{}}

// serveExclusions answers the actions above; false when the request is not
// one of them.
func (f *FakeAWS) serveExclusions(w http.ResponseWriter, r *http.Request, q fakeReq) bool {
	if q.service != "rds" || q.form == nil {
		return false
	}
	switch q.action {
	case "CreateIntegration":
		f.createIntegration(w, q)
	case "DescribeIntegrations":
		f.describeIntegrations(w, q)
	case "DescribeDBClusterParameters":
		f.describeClusterParameters(w, r, q)
	default:
		return false
	}
	return true
}

func (f *FakeAWS) createIntegration(w http.ResponseWriter, q fakeReq) {
	src, target, name := q.form.Get("SourceArn"), q.form.Get("TargetArn"), q.form.Get("IntegrationName")
	if src == "" || target == "" || name == "" {
		f.writeError(w, q, 400, "InvalidParameterValue", "SourceArn, TargetArn and IntegrationName are required")
		return
	}
	in := fakeIntegration{account: q.account, region: q.region, name: name, source: src, target: target,
		arn:     fmt.Sprintf("arn:aws:rds:%s:%s:integration:%08x-0000-4000-8000-000000000000", q.region, q.account, len(name)*7919+len(src)),
		created: time.Now().UTC().Truncate(time.Second)}
	fakeIntegrations.Lock()
	for _, x := range fakeIntegrations.m[f] {
		if x.account == in.account && x.region == in.region && x.name == in.name {
			fakeIntegrations.Unlock()
			f.writeError(w, q, 400, "IntegrationAlreadyExistsFault", "Integration "+name+" already exists")
			return
		}
	}
	fakeIntegrations.m[f] = append(fakeIntegrations.m[f], in)
	fakeIntegrations.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<CreateIntegrationResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><CreateIntegrationResult>%s</CreateIntegrationResult><ResponseMetadata><RequestId>fake-%d</RequestId></ResponseMetadata></CreateIntegrationResponse>`,
		integrationXML(in, "creating"), time.Now().UnixNano())
}

func integrationXML(in fakeIntegration, status string) string {
	e := html.EscapeString
	return fmt.Sprintf(`<SourceArn>%s</SourceArn><TargetArn>%s</TargetArn><IntegrationName>%s</IntegrationName><IntegrationArn>%s</IntegrationArn><Status>%s</Status><CreateTime>%s</CreateTime><Tags/>`,
		e(in.source), e(in.target), e(in.name), e(in.arn), status, in.created.Format(time.RFC3339))
}

func (f *FakeAWS) describeIntegrations(w http.ResponseWriter, q fakeReq) {
	id := q.form.Get("IntegrationIdentifier")
	fakeIntegrations.Lock()
	var items []string
	for _, in := range fakeIntegrations.m[f] {
		if in.account == q.account && in.region == q.region && (id == "" || id == in.arn || id == in.name) {
			items = append(items, "<Integration>"+integrationXML(in, "active")+"</Integration>")
		}
	}
	fakeIntegrations.Unlock()
	if id != "" && len(items) == 0 {
		f.writeError(w, q, 404, "IntegrationNotFoundFault", "Integration "+id+" not found")
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<DescribeIntegrationsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeIntegrationsResult><Integrations>%s</Integrations></DescribeIntegrationsResult><ResponseMetadata><RequestId>fake-%d</RequestId></ResponseMetadata></DescribeIntegrationsResponse>`,
		strings.Join(items, ""), time.Now().UnixNano())
}

var (
	parameterItem = regexp.MustCompile(`(?s)<Parameter>.*?</Parameter>`)
	parameterName = regexp.MustCompile(`<ParameterName>([^<]*)</ParameterName>`)
	parameterSrc  = regexp.MustCompile(`<Source>([^<]*)</Source>`)
)

func (f *FakeAWS) describeClusterParameters(w http.ResponseWriter, r *http.Request, q fakeReq) {
	group := q.form.Get("DBClusterParameterGroupName")
	var items []string
	if strings.HasPrefix(group, "default.") {
		// A default group: every parameter is at its engine default, none
		// has Source user.
	} else {
		rec := httptest.NewRecorder()
		f.proxy(rec, r)
		if rec.Code != 200 {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		items = parameterItem.FindAllString(rec.Body.String(), -1)
	}
	names := map[string]bool{}
	for i := 1; ; i++ {
		if q.form.Get(fmt.Sprintf("Filters.Filter.%d.Name", i)) == "" {
			break
		}
		if q.form.Get(fmt.Sprintf("Filters.Filter.%d.Name", i)) != "parameter-name" {
			f.writeError(w, q, 400, "InvalidParameterValue", "Unrecognized filter name: "+q.form.Get(fmt.Sprintf("Filters.Filter.%d.Name", i)))
			return
		}
		for j := 1; ; j++ {
			v := q.form.Get(fmt.Sprintf("Filters.Filter.%d.Values.Value.%d", i, j))
			if v == "" {
				break
			}
			names[v] = true
		}
	}
	source := q.form.Get("Source")
	var kept []string
	for _, it := range items {
		n := ""
		if m := parameterName.FindStringSubmatch(it); m != nil {
			n = m[1]
		}
		src := "user" // moto stores only what ModifyDBClusterParameterGroup set
		if m := parameterSrc.FindStringSubmatch(it); m != nil {
			src = m[1]
		}
		if (len(names) > 0 && !names[n]) || (source != "" && source != src) {
			continue
		}
		if !strings.Contains(it, "<Source>") {
			it = strings.Replace(it, "</Parameter>", "<Source>user</Source></Parameter>", 1)
		}
		kept = append(kept, it)
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<DescribeDBClusterParametersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClusterParametersResult><Parameters>%s</Parameters></DescribeDBClusterParametersResult><ResponseMetadata><RequestId>fake-%d</RequestId></ResponseMetadata></DescribeDBClusterParametersResponse>`,
		strings.Join(kept, ""), time.Now().UnixNano())
}
