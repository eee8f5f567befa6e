package testenv

// RDS, Query protocol (XML): real DescribeDBClusters/DescribeDBInstances/
// DescribeGlobalClusters pagination over moto's single page, injected
// fields moto never returns, and synthetic fleets without moto.

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

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
