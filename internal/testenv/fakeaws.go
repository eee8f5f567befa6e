package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAccount is the account moto gives to requests made with plain
// (non-STS) credentials.
const DefaultAccount = "123456789012"

// FakeOptions configure FakeAWS. The zero value proxies everything to the
// upstream unchanged, except that RDS Describe calls are paginated for real.
type FakeOptions struct {
	// PageSize caps the items per DescribeDBClusters/DescribeDBInstances page
	// (the smaller of it and the request's MaxRecords; AWS's default and
	// maximum is 100). 0 means 100.
	PageSize int
	// Latency is added to every request (benchmarks).
	Latency time.Duration
	// EarliestBacktrackTime returns the value to inject into a cluster's
	// DescribeDBClusters item (moto never returns it); nil for none.
	EarliestBacktrackTime func(account, region, clusterID string) *time.Time
	// ConsumedChangeRecords returns the BacktrackConsumedChangeRecords to
	// inject (moto never returns it); nil for none.
	ConsumedChangeRecords func(account, region, clusterID string) *int64
	// OmitZeroBacktrackWindow drops <BacktrackWindow>0</BacktrackWindow> so
	// the field is absent, as real AWS may send it (API_DBCluster does not
	// say whether a never-enabled window is omitted or 0).
	OmitZeroBacktrackWindow bool
	// Deny decides whether a call answers AccessDenied. account is the
	// caller's account, or for sts:AssumeRole the account of the role asked
	// for; action is "service:Action" as in IAM ("rds:DescribeDBClusters").
	Deny func(account, region, action string) bool
	// ThrottleEvery makes every Nth RDS call answer Throttling (HTTP 400).
	ThrottleEvery int
	// Regions answers account:ListRegions per account: region → opt status
	// (ENABLED, ENABLED_BY_DEFAULT, DISABLED, ...). nil uses DefaultRegions.
	Regions func(account string) map[string]string
	// Synthetic, when set, answers DescribeDBClusters, DescribeDBInstances
	// and DescribeGlobalClusters itself from generated clusters, without moto
	// (benchmarks with thousands of clusters).
	Synthetic func(account, region string) []SyntheticCluster
	// SyntheticMetrics, when set, answers CloudWatch GetMetricData (awsJson1_0)
	// itself: the values of each query's metric for its dimension value. It
	// keeps benchmarks from measuring moto's CloudWatch speed.
	SyntheticMetrics func(account, region, metric, dimension string) []float64
	// PriceList, when set, answers the Price List API's pricing:GetProducts
	// (moto has no Price List API); without it the call answers an error.
	PriceList *FakePriceList
}

// DefaultRegions is what ListRegions answers when FakeOptions.Regions is nil.
var DefaultRegions = map[string]string{
	"us-east-1":      "ENABLED_BY_DEFAULT",
	"ap-northeast-1": "ENABLED_BY_DEFAULT",
	"ap-east-1":      "DISABLED",
}

// SyntheticCluster is one generated DBCluster.
type SyntheticCluster struct {
	ID, Engine, EngineVersion, EngineMode, Status string
	BacktrackWindow                               *int64
	EarliestBacktrackTime                         *time.Time
	GlobalClusterID                               string
	Writer                                        string // writer instance identifier
	ServerlessV2                                  bool
	ReplicationSource                             string   // binlog replica of this source
	ReadReplicas                                  []string // binlog replicas of this cluster
}

// FakeAWS is an HTTP front that speaks the real AWS protocols for what moto
// lacks and proxies everything else to moto. It counts every call by IAM
// action, which the least-privilege test checks against the policy.
type FakeAWS struct {
	URL  string
	srv  *httptest.Server
	up   *url.URL
	opts FakeOptions

	mu       sync.Mutex
	calls    map[string]int // "rds:DescribeDBClusters" → count
	keyAcct  map[string]string
	rdsCalls atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64
}

// NewFakeAWS starts the fake on a free loopback port. upstream is moto's URL
// ("" when only Synthetic RDS and ListRegions are used).
func NewFakeAWS(upstream string, opts FakeOptions) *FakeAWS {
	f := &FakeAWS{opts: opts, calls: map[string]int{}, keyAcct: map[string]string{}}
	if upstream != "" {
		u, err := url.Parse(upstream)
		if err != nil {
			panic(err)
		}
		f.up = u
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	return f
}

// Close stops the fake.
func (f *FakeAWS) Close() { f.srv.Close() }

// Calls returns the number of calls seen per IAM action.
func (f *FakeAWS) Calls() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.calls))
	for k, v := range f.calls {
		out[k] = v
	}
	return out
}

// Actions returns every IAM action seen, sorted.
func (f *FakeAWS) Actions() []string {
	var out []string
	for k := range f.Calls() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// MaxInFlight returns the largest number of requests handled at once.
func (f *FakeAWS) MaxInFlight() int64 { return f.maxIn.Load() }

// ResetCalls clears the call counters.
func (f *FakeAWS) ResetCalls() {
	f.mu.Lock()
	f.calls = map[string]int{}
	f.mu.Unlock()
}

var credScope = regexp.MustCompile(`Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request`)

// signingToIAM maps SigV4 signing names to IAM service prefixes.
var signingToIAM = map[string]string{"monitoring": "cloudwatch"}

// restJSONActions names the REST operations the scanner and importer use.
var restJSONActions = map[string]string{
	"POST /listRegions":        "ListRegions",
	"POST /findings/import":    "BatchImportFindings",
	"POST /findings":           "GetFindings",
	"POST /accounts":           "EnableSecurityHub",
	"GET /accounts":            "DescribeHub",
	"POST /getRegionOptStatus": "GetRegionOptStatus",
}

type fakeReq struct {
	account, region, service, action, key string
	form                                  url.Values
	body                                  []byte
}

func (f *FakeAWS) parse(r *http.Request) fakeReq {
	var q fakeReq
	q.body, _ = io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(q.body))
	if m := credScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		q.key, q.region, q.service = m[1], m[2], m[3]
	}
	if s, ok := signingToIAM[q.service]; ok {
		q.service = s
	}
	switch {
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		q.form, _ = url.ParseQuery(string(q.body))
		q.action = q.form.Get("Action")
	case r.Header.Get("X-Amz-Target") != "":
		t := r.Header.Get("X-Amz-Target")
		q.action = t[strings.LastIndex(t, ".")+1:]
	case strings.Contains(r.URL.Path, "/operation/"):
		q.action = r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	default:
		q.action = restJSONActions[r.Method+" "+r.URL.Path]
		if q.action == "" {
			q.action = r.Method + " " + r.URL.Path
		}
	}
	q.account = r.Header.Get("x-moto-account-id")
	if q.account == "" {
		f.mu.Lock()
		q.account = f.keyAcct[q.key]
		f.mu.Unlock()
	}
	if q.account == "" {
		q.account = DefaultAccount
	}
	return q
}

func (f *FakeAWS) serve(w http.ResponseWriter, r *http.Request) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxIn.Load()
		if n <= m || f.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	if f.opts.Latency > 0 {
		select {
		case <-time.After(f.opts.Latency):
		case <-r.Context().Done():
			return
		}
	}
	q := f.parse(r)
	iam := q.service + ":" + q.action
	f.mu.Lock()
	f.calls[iam]++
	f.mu.Unlock()

	denyAcct := q.account
	if iam == "sts:AssumeRole" {
		denyAcct = arnAccount(q.form.Get("RoleArn"))
	}
	if f.opts.Deny != nil && f.opts.Deny(denyAcct, q.region, iam) {
		f.writeError(w, q, 403, "AccessDenied", fmt.Sprintf(
			"User: arn:aws:sts::%s:assumed-role/kumoguard/kumoguard is not authorized to perform: %s", q.account, iam))
		return
	}
	if q.service == "rds" && f.opts.ThrottleEvery > 0 && f.rdsCalls.Add(1)%int64(f.opts.ThrottleEvery) == 0 {
		f.writeError(w, q, 400, "Throttling", "Rate exceeded")
		return
	}
	if f.serveExclusions(w, r, q) { // fakerds_exclusions.go
		return
	}
	switch iam {
	case "account:ListRegions":
		f.listRegions(w, q)
		return
	case "rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeGlobalClusters":
		if f.opts.Synthetic != nil {
			f.synthetic(w, q)
			return
		}
		if iam != "rds:DescribeGlobalClusters" {
			f.pagedFromUpstream(w, r, q)
			return
		}
	case "sts:AssumeRole":
		f.assumeRole(w, r, q)
		return
	case "pricing:GetProducts":
		if f.opts.PriceList == nil {
			priceListError(w, 501, "InternalErrorException", "FakeAWS: no FakeOptions.PriceList")
			return
		}
		f.opts.PriceList.serveGetProducts(w, q)
		return
	case "cloudwatch:GetMetricData":
		if f.opts.SyntheticMetrics != nil && q.form == nil {
			f.syntheticMetrics(w, q)
			return
		}
	}
	f.proxy(w, r)
}

func (f *FakeAWS) proxy(w http.ResponseWriter, r *http.Request) {
	if f.up == nil {
		http.Error(w, "no upstream", 502)
		return
	}
	httputil.NewSingleHostReverseProxy(f.up).ServeHTTP(w, r)
}

// assumeRole proxies to moto and remembers which account the issued access
// key belongs to, so later calls signed with it are attributed correctly.
func (f *FakeAWS) assumeRole(w http.ResponseWriter, r *http.Request, q fakeReq) {
	rec := httptest.NewRecorder()
	f.proxy(rec, r)
	body := rec.Body.Bytes()
	if m := regexp.MustCompile(`<AccessKeyId>([^<]+)</AccessKeyId>`).FindSubmatch(body); m != nil {
		f.mu.Lock()
		f.keyAcct[string(m[1])] = arnAccount(q.form.Get("RoleArn"))
		f.mu.Unlock()
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(body)
}

func arnAccount(arn string) string {
	p := strings.Split(arn, ":")
	if len(p) > 4 {
		return p[4]
	}
	return ""
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

// writeError answers in the request's protocol: XML for the Query protocol
// (RDS, STS), JSON otherwise.
func (f *FakeAWS) writeError(w http.ResponseWriter, q fakeReq, status int, code, msg string) {
	if q.form != nil {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>fake-%d</RequestId></ErrorResponse>`,
			code, html.EscapeString(msg), time.Now().UnixNano())
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Errortype", code)
	w.Header().Set("X-Amzn-Query-Error", code+";Sender")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg, "Message": msg})
}

// listSpec names the XML elements of a paginated RDS Describe response.
type listSpec struct{ list, item string }

var rdsLists = map[string]listSpec{
	"DescribeDBClusters":     {"DBClusters", "DBCluster"},
	"DescribeDBInstances":    {"DBInstances", "DBInstance"},
	"DescribeGlobalClusters": {"GlobalClusters", "GlobalClusterMember"},
}

// pagedFromUpstream asks moto for the whole list (moto ignores MaxRecords and
// Marker), then answers one real page with a Marker, injecting what moto
// cannot produce.
func (f *FakeAWS) pagedFromUpstream(w http.ResponseWriter, r *http.Request, q fakeReq) {
	maxRecords, marker, ok := f.pageParams(w, q)
	if !ok {
		return
	}
	form := url.Values{}
	for k, v := range q.form {
		if k != "MaxRecords" && k != "Marker" {
			form[k] = v
		}
	}
	body := []byte(form.Encode())
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	r2.Header.Set("Content-Length", strconv.Itoa(len(body)))
	rec := httptest.NewRecorder()
	f.proxy(rec, r2)
	if rec.Code != 200 {
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	}
	spec := rdsLists[q.action]
	items := splitItems(rec.Body.String(), spec)
	if q.action == "DescribeDBClusters" {
		for i, it := range items {
			items[i] = f.rewriteCluster(q, it)
		}
	}
	f.writePage(w, q.action, spec, items, maxRecords, marker)
}

func (f *FakeAWS) pageParams(w http.ResponseWriter, q fakeReq) (int, int, bool) {
	maxRecords := 100
	if s := q.form.Get("MaxRecords"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 20 || n > 100 {
			f.writeError(w, q, 400, "InvalidParameterValue", fmt.Sprintf("Invalid value %s for MaxRecords. Must be between 20 and 100", s))
			return 0, 0, false
		}
		maxRecords = n
	}
	if f.opts.PageSize > 0 && f.opts.PageSize < maxRecords {
		maxRecords = f.opts.PageSize
	}
	marker := 0
	if s := q.form.Get("Marker"); s != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(s, "kg-fake-"))
		if err != nil || n < 0 {
			f.writeError(w, q, 400, "InvalidParameterValue", "The marker is not valid: "+s)
			return 0, 0, false
		}
		marker = n
	}
	return maxRecords, marker, true
}

func splitItems(body string, spec listSpec) []string {
	open, end := "<"+spec.list+">", "</"+spec.list+">"
	i := strings.Index(body, open)
	j := strings.LastIndex(body, end)
	if i < 0 || j < i {
		return nil
	}
	inner := body[i+len(open) : j]
	var items []string
	itemOpen, ie := "<"+spec.item+">", "</"+spec.item+">"
	for {
		a := strings.Index(inner, itemOpen)
		if a < 0 {
			break
		}
		b := strings.Index(inner[a:], ie)
		if b < 0 {
			break
		}
		items = append(items, inner[a:a+b+len(ie)])
		inner = inner[a+b+len(ie):]
	}
	return items
}

var clusterIDRe = regexp.MustCompile(`<DBClusterIdentifier>([^<]+)</DBClusterIdentifier>`)

var clusterCreateTimeRe = regexp.MustCompile(`<ClusterCreateTime>[^<]*</ClusterCreateTime>`)

func (f *FakeAWS) rewriteCluster(q fakeReq, item string) string {
	if f.opts.OmitZeroBacktrackWindow {
		item = strings.Replace(item, "<BacktrackWindow>0</BacktrackWindow>", "", 1)
	}
	if f.opts.ConsumedChangeRecords != nil {
		if m := clusterIDRe.FindStringSubmatch(item); m != nil {
			if n := f.opts.ConsumedChangeRecords(q.account, q.region, m[1]); n != nil {
				item = strings.TrimSuffix(item, "</DBCluster>") +
					"<BacktrackConsumedChangeRecords>" + strconv.FormatInt(*n, 10) + "</BacktrackConsumedChangeRecords></DBCluster>"
			}
		}
	}
	if f.opts.EarliestBacktrackTime != nil {
		if m := clusterIDRe.FindStringSubmatch(item); m != nil {
			if t := f.opts.EarliestBacktrackTime(q.account, q.region, m[1]); t != nil {
				item = strings.TrimSuffix(item, "</DBCluster>") +
					"<EarliestBacktrackTime>" + t.UTC().Format(time.RFC3339) + "</EarliestBacktrackTime></DBCluster>"
				// A cluster whose history reaches back to t existed then:
				// moto creates every cluster now, so it is made 30 days older.
				item = clusterCreateTimeRe.ReplaceAllString(item,
					"<ClusterCreateTime>"+t.Add(-30*24*time.Hour).UTC().Format(time.RFC3339)+"</ClusterCreateTime>")
			}
		}
	}
	return item
}

func (f *FakeAWS) writePage(w http.ResponseWriter, action string, spec listSpec, items []string, maxRecords, marker int) {
	if marker > len(items) {
		marker = len(items)
	}
	end := marker + maxRecords
	next := ""
	if end < len(items) {
		next = "<Marker>kg-fake-" + strconv.Itoa(end) + "</Marker>"
	} else {
		end = len(items)
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><%[1]sResult><%[2]s>%[3]s</%[2]s>%[4]s</%[1]sResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></%[1]sResponse>`,
		action, spec.list, strings.Join(items[marker:end], ""), next)
}

// synthetic answers the RDS Describe calls from generated clusters.
func (f *FakeAWS) synthetic(w http.ResponseWriter, q fakeReq) {
	maxRecords, marker, ok := f.pageParams(w, q)
	if !ok {
		return
	}
	cs := f.opts.Synthetic(q.account, q.region)
	arn := func(kind, id string) string {
		return fmt.Sprintf("arn:aws:rds:%s:%s:%s:%s", q.region, q.account, kind, id)
	}
	var items []string
	switch q.action {
	case "DescribeDBClusters":
		for _, c := range cs {
			var b strings.Builder
			fmt.Fprintf(&b, "<DBCluster><DBClusterIdentifier>%s</DBClusterIdentifier><DBClusterArn>%s</DBClusterArn><Engine>%s</Engine><EngineVersion>%s</EngineVersion><EngineMode>%s</EngineMode><Status>%s</Status>",
				c.ID, arn("cluster", c.ID), c.Engine, c.EngineVersion, c.EngineMode, c.Status)
			if c.BacktrackWindow != nil {
				fmt.Fprintf(&b, "<BacktrackWindow>%d</BacktrackWindow>", *c.BacktrackWindow)
			}
			if c.EarliestBacktrackTime != nil {
				fmt.Fprintf(&b, "<EarliestBacktrackTime>%s</EarliestBacktrackTime>", c.EarliestBacktrackTime.UTC().Format(time.RFC3339))
			}
			if c.GlobalClusterID != "" {
				fmt.Fprintf(&b, "<GlobalClusterIdentifier>%s</GlobalClusterIdentifier>", c.GlobalClusterID)
			}
			if c.ReplicationSource != "" {
				fmt.Fprintf(&b, "<ReplicationSourceIdentifier>%s</ReplicationSourceIdentifier>", html.EscapeString(c.ReplicationSource))
			}
			if len(c.ReadReplicas) > 0 {
				b.WriteString("<ReadReplicaIdentifiers>")
				for _, r := range c.ReadReplicas {
					fmt.Fprintf(&b, "<ReadReplicaIdentifier>%s</ReadReplicaIdentifier>", html.EscapeString(r))
				}
				b.WriteString("</ReadReplicaIdentifiers>")
			}
			if c.ServerlessV2 {
				b.WriteString("<ServerlessV2ScalingConfiguration><MinCapacity>0.5</MinCapacity><MaxCapacity>8</MaxCapacity></ServerlessV2ScalingConfiguration>")
			}
			if c.Writer != "" {
				fmt.Fprintf(&b, "<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>%s</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember></DBClusterMembers>", c.Writer)
			}
			fmt.Fprintf(&b, "<TagList><Tag><Key>team</Key><Value>bench</Value></Tag></TagList></DBCluster>")
			items = append(items, b.String())
		}
	case "DescribeDBInstances":
		for _, c := range cs {
			if c.Writer == "" {
				continue
			}
			class := "db.r6g.large"
			if c.ServerlessV2 {
				class = "db.serverless"
			}
			items = append(items, fmt.Sprintf("<DBInstance><DBInstanceIdentifier>%s</DBInstanceIdentifier><DBInstanceArn>%s</DBInstanceArn><DBClusterIdentifier>%s</DBClusterIdentifier><DBInstanceClass>%s</DBInstanceClass><Engine>%s</Engine></DBInstance>",
				c.Writer, arn("db", c.Writer), c.ID, class, c.Engine))
		}
	case "DescribeGlobalClusters":
		// Global clusters are not generated; members carry GlobalClusterIdentifier.
	}
	if q.action == "DescribeGlobalClusters" {
		f.writePage(w, q.action, listSpec{"GlobalClusters", "GlobalCluster"}, nil, maxRecords, marker)
		return
	}
	f.writePage(w, q.action, rdsLists[q.action], items, maxRecords, marker)
}

// syntheticMetrics answers GetMetricData in awsJson1_0.
func (f *FakeAWS) syntheticMetrics(w http.ResponseWriter, q fakeReq) {
	var in struct {
		MetricDataQueries []struct {
			Id         string
			MetricStat struct {
				Metric struct {
					MetricName string
					Dimensions []struct{ Name, Value string }
				}
			}
		}
		EndTime float64
	}
	if err := json.Unmarshal(q.body, &in); err != nil {
		f.writeError(w, q, 400, "InvalidParameterValue", err.Error())
		return
	}
	if len(in.MetricDataQueries) > 500 {
		f.writeError(w, q, 400, "InvalidParameterValue", "The collection MetricDataQueries must not have a size greater than 500.")
		return
	}
	type result struct {
		Id         string
		StatusCode string
		Timestamps []float64
		Values     []float64
	}
	out := struct{ MetricDataResults []result }{MetricDataResults: []result{}}
	for _, mq := range in.MetricDataQueries {
		dim := ""
		if d := mq.MetricStat.Metric.Dimensions; len(d) > 0 {
			dim = d[0].Value
		}
		vals := f.opts.SyntheticMetrics(q.account, q.region, mq.MetricStat.Metric.MetricName, dim)
		ts := make([]float64, len(vals))
		for i := range ts {
			ts[i] = in.EndTime - float64(i*300)
		}
		out.MetricDataResults = append(out.MetricDataResults, result{Id: mq.Id, StatusCode: "Complete", Timestamps: ts, Values: vals})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	json.NewEncoder(w).Encode(out)
}
