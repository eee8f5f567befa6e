package testenv

// FakeBacktrack: a reverse proxy in front of moto (or of FakeAWS in front of
// moto) that speaks the RDS Query protocol for what moto lacks for backtrack
// drills, and forwards everything else:
//   - BacktrackDBCluster, answered with a DBClusterBacktrack;
//     https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_BacktrackDBCluster.html
//   - DescribeDBClusterBacktracks, whose Status moves pending → applying →
//     completed (or failed) one step per poll, never by the clock, so tests
//     are not timed;
//     https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBClusterBacktrack.html
//   - DescribeDBClusters items get EarliestBacktrackTime, CloneGroupId (a
//     copy-on-write RestoreDBClusterToPointInTime puts the clone in its
//     source's clone group) and Status "backtracking" while a backtrack runs;
//     the clone-group-id filter is applied here (moto does not know it).
//     https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html
//     https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
//
// Every request is recorded (IAM action and the identifiers it names), so a
// test can prove which clusters were created, modified, backtracked or deleted.

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FakeBacktrackOptions configure FakeBacktrack.
type FakeBacktrackOptions struct {
	// Fail makes the backtracks of a cluster end "failed".
	Fail func(cluster string) bool
	// OnComplete runs when a backtrack of cluster reaches "completed", with
	// the time it rewound to and the time it rewound from; a test uses it to
	// rewind a real database (delete the rows written after to). An error
	// makes the backtrack end "failed".
	OnComplete func(cluster string, to, from time.Time) error
	// EarliestBacktrackTime returns the value to inject for a cluster that
	// is not a clone made through this fake (a clone gets its creation time);
	// nil or a nil result injects nothing.
	EarliestBacktrackTime func(cluster string) *time.Time
	// StepsPerStatus is how many polls a backtrack stays in each of pending
	// and applying (default 1).
	StepsPerStatus int
}

// FakeRequest is one request the fake saw.
type FakeRequest struct {
	// Action is the IAM action ("rds:BacktrackDBCluster").
	Action string
	// Params are the request's Query-protocol parameters (first value of
	// each), or for JSON protocols the SecretId.
	Params map[string]string
}

type fakeBacktrack struct {
	id, cluster, status string
	to, from, created   time.Time
	polls               int
}

// FakeBacktrack is the proxy. Start it with NewFakeBacktrack.
type FakeBacktrack struct {
	URL  string
	srv  *httptest.Server
	up   *url.URL
	opts FakeBacktrackOptions

	mu         sync.Mutex
	requests   []FakeRequest
	backtracks []*fakeBacktrack
	groups     map[string]string    // cluster → clone group
	cloneTimes map[string]time.Time // clone → creation time
	n          int
}

// NewFakeBacktrack starts the proxy on a free loopback port in front of
// upstream (moto's URL, or a FakeAWS's).
func NewFakeBacktrack(upstream string, opts FakeBacktrackOptions) *FakeBacktrack {
	u, err := url.Parse(upstream)
	if err != nil {
		panic(err)
	}
	if opts.StepsPerStatus <= 0 {
		opts.StepsPerStatus = 1
	}
	f := &FakeBacktrack{up: u, opts: opts, groups: map[string]string{}, cloneTimes: map[string]time.Time{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	return f
}

// Close stops the proxy.
func (f *FakeBacktrack) Close() { f.srv.Close() }

// Requests returns every request seen, in order.
func (f *FakeBacktrack) Requests() []FakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeRequest(nil), f.requests...)
}

// SetCloneGroup puts cluster into a clone group (to prepare a source whose
// group is full).
func (f *FakeBacktrack) SetCloneGroup(cluster, group string) {
	f.mu.Lock()
	f.groups[cluster] = group
	f.mu.Unlock()
}

// Backtracks returns the backtracks requested on cluster: status and the
// time each asked for.
func (f *FakeBacktrack) Backtracks(cluster string) (statuses []string, to []time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.backtracks {
		if b.cluster == cluster {
			statuses = append(statuses, b.status)
			to = append(to, b.to)
		}
	}
	return
}

var secretIDRe = regexp.MustCompile(`"SecretId"\s*:\s*"([^"]*)"`)

func (f *FakeBacktrack) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := FakeRequest{Params: map[string]string{}}
	service := ""
	if m := credScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		service = m[3]
	}
	if s, ok := signingToIAM[service]; ok {
		service = s
	}
	var form url.Values
	action := ""
	switch {
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		form, _ = url.ParseQuery(string(body))
		action = form.Get("Action")
		for k, v := range form {
			if len(v) > 0 {
				rec.Params[k] = v[0]
			}
		}
	case r.Header.Get("X-Amz-Target") != "":
		t := r.Header.Get("X-Amz-Target")
		action = t[strings.LastIndex(t, ".")+1:]
		if m := secretIDRe.FindSubmatch(body); m != nil {
			rec.Params["SecretId"] = string(m[1])
		}
	case strings.Contains(r.URL.Path, "/operation/"):
		action = r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	}
	rec.Action = service + ":" + action
	f.mu.Lock()
	f.requests = append(f.requests, rec)
	f.mu.Unlock()

	if service != "rds" || form == nil {
		f.forward(w, r)
		return
	}
	switch action {
	case "BacktrackDBCluster":
		f.backtrack(w, r, form)
	case "DescribeDBClusterBacktracks":
		f.describeBacktracks(w, form)
	case "DescribeDBClusters":
		f.describeClusters(w, r, form)
	case "RestoreDBClusterToPointInTime":
		rr := httptest.NewRecorder()
		f.forward(rr, r)
		if rr.Code == 200 && form.Get("RestoreType") == "copy-on-write" {
			src, clone := form.Get("SourceDBClusterIdentifier"), form.Get("DBClusterIdentifier")
			f.mu.Lock()
			g := f.groups[src]
			if g == "" {
				f.n++
				g = fmt.Sprintf("%08x-0000-4000-8000-%012x", f.n, f.n)
				f.groups[src] = g
			}
			f.groups[clone] = g
			f.cloneTimes[clone] = time.Now().UTC()
			f.mu.Unlock()
		}
		copyRecorded(w, rr)
	case "DeleteDBCluster":
		rr := httptest.NewRecorder()
		f.forward(rr, r)
		if rr.Code == 200 {
			f.mu.Lock()
			delete(f.groups, form.Get("DBClusterIdentifier"))
			delete(f.cloneTimes, form.Get("DBClusterIdentifier"))
			f.mu.Unlock()
		}
		copyRecorded(w, rr)
	default:
		f.forward(w, r)
	}
}

func copyRecorded(w http.ResponseWriter, rr *httptest.ResponseRecorder) {
	for k, v := range rr.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rr.Code)
	w.Write(rr.Body.Bytes())
}

func (f *FakeBacktrack) forward(w http.ResponseWriter, r *http.Request) {
	httputil.NewSingleHostReverseProxy(f.up).ServeHTTP(w, r)
}

func (f *FakeBacktrack) queryError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>fake-%d</RequestId></ErrorResponse>`,
		code, html.EscapeString(msg), time.Now().UnixNano())
}

// clusterExists asks the upstream whether the cluster exists.
func (f *FakeBacktrack) clusterExists(r *http.Request, id string) bool {
	body := url.Values{"Action": {"DescribeDBClusters"}, "Version": {"2014-10-31"}, "DBClusterIdentifier": {id}}.Encode()
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(strings.NewReader(body))
	r2.ContentLength = int64(len(body))
	r2.Header.Set("Content-Length", strconv.Itoa(len(body)))
	rr := httptest.NewRecorder()
	f.forward(rr, r2)
	return rr.Code == 200 && strings.Contains(rr.Body.String(), "<DBClusterIdentifier>"+html.EscapeString(id)+"</DBClusterIdentifier>")
}

func (f *FakeBacktrack) backtrack(w http.ResponseWriter, r *http.Request, form url.Values) {
	id := form.Get("DBClusterIdentifier")
	to, err := time.Parse(time.RFC3339Nano, form.Get("BacktrackTo"))
	if err != nil {
		f.queryError(w, 400, "InvalidParameterValue", "BacktrackTo must be an ISO 8601 time: "+form.Get("BacktrackTo"))
		return
	}
	if !f.clusterExists(r, id) {
		f.queryError(w, 404, "DBClusterNotFoundFault", "DBCluster "+id+" not found.")
		return
	}
	now := time.Now().UTC()
	if to.After(now) {
		f.queryError(w, 400, "InvalidParameterValue", "BacktrackTo must not be in the future")
		return
	}
	f.mu.Lock()
	if created, ok := f.cloneTimes[id]; ok && to.Before(created) {
		f.mu.Unlock()
		// A clone cannot be backtracked to before its creation:
		// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Performing0.html
		f.queryError(w, 400, "InvalidParameterValue", "BacktrackTo is earlier than the earliest backtrack time")
		return
	}
	for _, b := range f.backtracks {
		if b.cluster == id && (b.status == "pending" || b.status == "applying") {
			f.mu.Unlock()
			f.queryError(w, 400, "InvalidDBClusterStateFault", "DBCluster "+id+" is already being backtracked")
			return
		}
	}
	f.n++
	b := &fakeBacktrack{id: fmt.Sprintf("%08x-1111-4000-8000-%012x", f.n, f.n), cluster: id, status: "pending", to: to, from: now, created: now}
	f.backtracks = append(f.backtracks, b)
	xml := backtrackXML(b)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<BacktrackDBClusterResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><BacktrackDBClusterResult>%s</BacktrackDBClusterResult><ResponseMetadata><RequestId>fake-bt-%d</RequestId></ResponseMetadata></BacktrackDBClusterResponse>`,
		xml, time.Now().UnixNano())
}

func backtrackXML(b *fakeBacktrack) string {
	return fmt.Sprintf(`<DBClusterIdentifier>%s</DBClusterIdentifier><BacktrackIdentifier>%s</BacktrackIdentifier><BacktrackTo>%s</BacktrackTo><BacktrackedFrom>%s</BacktrackedFrom><BacktrackRequestCreationTime>%s</BacktrackRequestCreationTime><Status>%s</Status>`,
		html.EscapeString(b.cluster), b.id, b.to.Format(time.RFC3339Nano), b.from.Format(time.RFC3339Nano), b.created.Format(time.RFC3339Nano), b.status)
}

// advance moves a backtrack one step on each poll: pending → applying →
// completed or failed.
func (f *FakeBacktrack) advance(b *fakeBacktrack) {
	if b.status != "pending" && b.status != "applying" {
		return
	}
	b.polls++
	if b.polls < f.opts.StepsPerStatus {
		return
	}
	b.polls = 0
	if b.status == "pending" {
		b.status = "applying"
		return
	}
	b.status = "completed"
	if f.opts.Fail != nil && f.opts.Fail(b.cluster) {
		b.status = "failed"
		return
	}
	if f.opts.OnComplete != nil {
		if err := f.opts.OnComplete(b.cluster, b.to, b.from); err != nil {
			b.status = "failed"
		}
	}
}

func (f *FakeBacktrack) describeBacktracks(w http.ResponseWriter, form url.Values) {
	id := form.Get("DBClusterIdentifier")
	want := form.Get("BacktrackIdentifier")
	f.mu.Lock()
	var items []string
	for _, b := range f.backtracks {
		if b.cluster != id || (want != "" && want != b.id) {
			continue
		}
		f.advance(b)
		items = append(items, "<DBClusterBacktrack>"+backtrackXML(b)+"</DBClusterBacktrack>")
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<DescribeDBClusterBacktracksResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClusterBacktracksResult><DBClusterBacktracks>%s</DBClusterBacktracks></DescribeDBClusterBacktracksResult><ResponseMetadata><RequestId>fake-dbt-%d</RequestId></ResponseMetadata></DescribeDBClusterBacktracksResponse>`,
		strings.Join(items, ""), time.Now().UnixNano())
}

var clusterStatusRe = regexp.MustCompile(`<Status>[^<]*</Status>`)

// describeClusters forwards the call without a clone-group-id filter (moto
// does not know it), then applies it and injects the fields above.
func (f *FakeBacktrack) describeClusters(w http.ResponseWriter, r *http.Request, form url.Values) {
	groups := map[string]bool{}
	kept := url.Values{}
	type filter struct {
		name   string
		values []string
	}
	var others []filter
	for i := 1; form.Get(fmt.Sprintf("Filters.Filter.%d.Name", i)) != ""; i++ {
		name := form.Get(fmt.Sprintf("Filters.Filter.%d.Name", i))
		var vals []string
		for j := 1; form.Get(fmt.Sprintf("Filters.Filter.%d.Values.Value.%d", i, j)) != ""; j++ {
			vals = append(vals, form.Get(fmt.Sprintf("Filters.Filter.%d.Values.Value.%d", i, j)))
		}
		if name == "clone-group-id" {
			for _, v := range vals {
				groups[v] = true
			}
			continue
		}
		others = append(others, filter{name, vals})
	}
	for k, v := range form {
		if !strings.HasPrefix(k, "Filters.") {
			kept[k] = v
		}
	}
	for i, o := range others {
		kept.Set(fmt.Sprintf("Filters.Filter.%d.Name", i+1), o.name)
		for j, v := range o.values {
			kept.Set(fmt.Sprintf("Filters.Filter.%d.Values.Value.%d", i+1, j+1), v)
		}
	}
	body := kept.Encode()
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(strings.NewReader(body))
	r2.ContentLength = int64(len(body))
	r2.Header.Set("Content-Length", strconv.Itoa(len(body)))
	rr := httptest.NewRecorder()
	f.forward(rr, r2)
	if rr.Code != 200 {
		copyRecorded(w, rr)
		return
	}
	resp := rr.Body.String()
	spec := rdsLists["DescribeDBClusters"]
	items := splitItems(resp, spec)
	var out []string
	f.mu.Lock()
	for _, it := range items {
		id := ""
		if m := clusterIDRe.FindStringSubmatch(it); m != nil {
			id = html.UnescapeString(m[1])
		}
		g := f.groups[id]
		if len(groups) > 0 && !groups[g] {
			continue
		}
		if g != "" {
			it = strings.TrimSuffix(it, "</DBCluster>") + "<CloneGroupId>" + g + "</CloneGroupId></DBCluster>"
		}
		var ebt *time.Time
		if created, ok := f.cloneTimes[id]; ok {
			ebt = &created
		} else if f.opts.EarliestBacktrackTime != nil {
			ebt = f.opts.EarliestBacktrackTime(id)
		}
		if ebt != nil {
			it = strings.TrimSuffix(it, "</DBCluster>") + "<EarliestBacktrackTime>" + ebt.UTC().Format(time.RFC3339Nano) + "</EarliestBacktrackTime></DBCluster>"
		}
		for _, b := range f.backtracks {
			if b.cluster == id && (b.status == "pending" || b.status == "applying") {
				// The cluster's own Status: the one outside the nested lists.
				it = replaceClusterStatus(it, "backtracking")
			}
		}
		out = append(out, it)
	}
	f.mu.Unlock()
	i := strings.Index(resp, "<"+spec.list+">")
	j := strings.LastIndex(resp, "</"+spec.list+">")
	if i < 0 || j < i {
		copyRecorded(w, rr)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, resp[:i+len(spec.list)+2]+strings.Join(out, "")+resp[j:])
}

// replaceClusterStatus sets the DBCluster's own <Status>, skipping those of
// nested elements (security groups, members, ...).
func replaceClusterStatus(item, status string) string {
	depth := 0
	for i := 0; i < len(item); {
		switch {
		case strings.HasPrefix(item[i:], "<Status>") && depth == 1:
			loc := clusterStatusRe.FindStringIndex(item[i:])
			if loc != nil && loc[0] == 0 {
				return item[:i] + "<Status>" + status + "</Status>" + item[i+loc[1]:]
			}
			i++
		case strings.HasPrefix(item[i:], "</"):
			depth--
			i = i + strings.IndexByte(item[i:], '>') + 1
		case item[i] == '<':
			end := strings.IndexByte(item[i:], '>')
			if end < 0 {
				return item
			}
			if item[i+end-1] != '/' {
				depth++
			}
			i += end + 1
		default:
			i++
		}
	}
	return item
}
