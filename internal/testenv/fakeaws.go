package testenv

// FakeAWS's core: the HTTP front, request parsing (SigV4 scope, protocol,
// action, account), routing, call counting, fault injection (Deny,
// ThrottleEvery, Latency), errors in the caller's protocol, and the proxy to
// moto. Each service's own answers live in fake<service>.go.

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

// FakeAWS is an HTTP front that speaks the real AWS protocols for what moto
// lacks and proxies everything else to moto. It counts every call by IAM
// action, which the least-privilege test checks against the policy.
type FakeAWS struct {
	URL  string
	srv  *httptest.Server
	up   *url.URL
	opts FakeOptions

	mu    sync.Mutex
	calls map[string]int // "rds:DescribeDBClusters" → count
	// throttled counts the calls answered Throttling, per action.
	throttled map[string]int
	keyAcct   map[string]string
	rdsCalls  atomic.Int64
	inFlight  atomic.Int64
	maxIn     atomic.Int64
}

// NewFakeAWS starts the fake on a free loopback port. upstream is moto's URL
// ("" when only Synthetic RDS and ListRegions are used).
func NewFakeAWS(upstream string, opts FakeOptions) *FakeAWS {
	f := &FakeAWS{opts: opts, calls: map[string]int{}, throttled: map[string]int{}, keyAcct: map[string]string{}}
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

// Throttled returns how many calls of each action were answered Throttling.
func (f *FakeAWS) Throttled() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.throttled))
	for k, v := range f.throttled {
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
		f.mu.Lock()
		f.throttled[iam]++
		f.mu.Unlock()
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
