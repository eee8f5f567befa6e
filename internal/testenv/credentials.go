package testenv

import (
	"os"
	"strings"
	"testing"
)

// FakeCredentialsEnv is the environment that points the SDK's default
// credential chain at the static test credentials testing/testing in
// us-east-1 and away from any local AWS configuration (profiles, shared
// files, instance metadata, an endpoint override), one KEY=VALUE per entry.
// moto accepts any credentials; these are never real.
func FakeCredentialsEnv() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=us-east-1",
		"AWS_PROFILE=",
		"AWS_CONFIG_FILE=/nonexistent/kumoguard-test-config",
		"AWS_SHARED_CREDENTIALS_FILE=/nonexistent/kumoguard-test-credentials",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL=",
	}
}

// SetFakeCredentials sets FakeCredentialsEnv in this process for the test
// (t.Setenv: restored afterwards; the test must not be parallel), for code
// that loads the default AWS configuration, such as cli.Run.
func SetFakeCredentials(t testing.TB) {
	t.Helper()
	for _, kv := range FakeCredentialsEnv() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// SubprocessEnv is a minimal environment for running the kumoguard binary
// against moto: PATH, a fresh HOME, LANG=C, FakeCredentialsEnv, the
// machine's AWS_CA_BUNDLE if set, and extra (KEY=VALUE) last.
func SubprocessEnv(t testing.TB, extra ...string) []string {
	t.Helper()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"}
	env = append(env, FakeCredentialsEnv()...)
	if v := os.Getenv("AWS_CA_BUNDLE"); v != "" {
		env = append(env, "AWS_CA_BUNDLE="+v)
	}
	return append(env, extra...)
}
