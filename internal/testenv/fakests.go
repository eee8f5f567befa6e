package testenv

// STS, Query protocol: AssumeRole proxied to moto, remembering which account
// each issued access key belongs to.

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
)

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
