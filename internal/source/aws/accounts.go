package awssource

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/kumoguard/kumoguard/internal/awsapi"
	"github.com/kumoguard/kumoguard/internal/model"
)

// listAccounts returns the account IDs to scan: the organization's active
// accounts (--org), the --accounts list, or the caller's own account.
func (s *Scanner) listAccounts(ctx context.Context) ([]string, []model.Diagnostic, error) {
	o := s.o
	want := map[string]bool{}
	for _, a := range o.Accounts {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
			return nil, nil, fmt.Errorf("--accounts: %q is not a 12-digit AWS account ID", a)
		}
		want[a] = true
	}
	if o.Org {
		if o.RoleName == "" {
			return nil, nil, fmt.Errorf("--org needs --role-name: the role kumoguard assumes in each member account")
		}
		var out []string
		p := organizations.NewListAccountsPaginator(organizations.NewFromConfig(s.base), &organizations.ListAccountsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, nil, fmt.Errorf("list the organization's accounts from %s (run from the management or a delegated-admin account with organizations:ListAccounts): %s",
					s.callerAccount, errorText(err))
			}
			for _, a := range page.Accounts {
				id := aws.ToString(a.Id)
				if !accountActive(a) {
					continue
				}
				if len(want) > 0 && !want[id] {
					continue
				}
				out = append(out, id)
			}
		}
		sort.Strings(out)
		// An account asked for with --accounts that is not an active member
		// is reported, not silently dropped.
		var diags []model.Diagnostic
		for a := range want {
			if !slices.Contains(out, a) {
				diags = append(diags, model.Diagnostic{
					Status: model.StatusError, Reason: model.ReasonAPIError,
					Location: model.Location{Account: a},
					Resource: model.Resource{Kind: model.SourceAWS, Type: "AWS::Account", Address: a, Account: a},
					Message: model.T("Account %s was asked for with --accounts but is not an active account of the organization (organizations:ListAccounts from %s).",
						"アカウント %s は --accounts で指定されましたが、組織のアクティブなアカウントではありません（%s からの organizations:ListAccounts）。", a, s.callerAccount),
					Remediation: model.T("Check the account ID, or whether the account is suspended or in another organization.",
						"アカウント ID、またはアカウントが停止中か別の組織に属していないかを確認してください。"),
				})
			}
		}
		return out, diags, nil
	}
	if len(want) == 0 {
		return []string{s.callerAccount}, nil, nil
	}
	var out []string
	for a := range want {
		if a != s.callerAccount && o.RoleName == "" {
			return nil, nil, fmt.Errorf("--accounts %s: scanning another account than the caller's (%s) needs --role-name", a, s.callerAccount)
		}
		out = append(out, a)
	}
	sort.Strings(out)
	return out, nil, nil
}

// accountActive reads the account state: the newer State field when set,
// the deprecated Status otherwise.
func accountActive(a orgtypes.Account) bool {
	if a.State != "" {
		return a.State == orgtypes.AccountStateActive
	}
	return a.Status == orgtypes.AccountStatusActive
}

// credentialsFor returns the credentials for account: the base credentials
// for the caller's own account, otherwise the assumed role. It retrieves
// them once so that an account whose role cannot be assumed fails here, as
// one ERROR diagnostic for the account.
func (s *Scanner) credentialsFor(ctx context.Context, acct string) (aws.CredentialsProvider, *model.Diagnostic) {
	if acct == s.callerAccount {
		return s.base.Credentials, nil
	}
	roleARN := awsapi.RoleARN(s.base.Region, acct, s.o.RoleName)
	cache := awsapi.AssumeRole(s.base, roleARN, awsapi.AssumeRoleOptions{SessionName: SessionName, ExternalID: s.o.ExternalID})
	if _, err := cache.Retrieve(ctx); err != nil {
		d := diagnostic(acct, "", err, model.T("assume role %s", "ロール %s の引き受け", roleARN))
		d.Remediation = model.T(
			"Create the role %s in account %s, trusting the scanning principal %s (with the external ID if you pass --external-id), and attach the read-only scanner policy from the README.",
			"アカウント %s にロール %s を作成し、スキャンするプリンシパル %s を信頼させ（--external-id を指定する場合は外部 ID も）、README の読み取り専用スキャナーポリシーをアタッチしてください。",
			roleARN, acct, s.callerARN)
		d.Remediation.JA = fmt.Sprintf("アカウント %s にロール %s を作成し、スキャンするプリンシパル %s を信頼させ（--external-id を指定する場合は外部 ID も）、README の読み取り専用スキャナーポリシーをアタッチしてください。",
			acct, roleARN, s.callerARN)
		return nil, &d
	}
	s.mu.Lock()
	s.accounts[acct] = cache
	s.mu.Unlock()
	return cache, nil
}

// regionsFor returns the regions to scan in acct and how many were skipped.
// Region discovery uses account:ListRegions rather than ec2:DescribeRegions:
// it reports each region's opt-in status for the account directly, and the
// small service/account module avoids service/ec2, which adds about 38 s to
// a cold build.
func (s *Scanner) regionsFor(ctx context.Context, acct string, creds aws.CredentialsProvider) ([]string, int, *model.Diagnostic) {
	if rs := explicitRegions(s.o.Regions); len(rs) > 0 {
		out := make([]string, 0, len(rs))
		seen := map[string]bool{}
		for _, r := range rs {
			r = strings.TrimSpace(r)
			if r != "" && !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
		return out, 0, nil
	}
	// --regions all scans every region ListRegions knows, opted in or not
	// (those not enabled then show up as failed scopes); the default scans
	// the enabled ones and counts the others as skipped.
	all := len(s.o.Regions) == 1
	cfg := s.base.Copy()
	cfg.Credentials = creds
	in := &account.ListRegionsInput{MaxResults: aws.Int32(50)}
	p := account.NewListRegionsPaginator(account.NewFromConfig(cfg), in)
	var out []string
	skipped := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			d := diagnostic(acct, "", err, model.T("list the account's enabled regions (account:ListRegions)", "アカウントの有効なリージョンの取得（account:ListRegions）"))
			d.Remediation = model.T("Allow account:ListRegions to the scanning role, or pass --regions explicitly.",
				"スキャン用ロールに account:ListRegions を許可するか、--regions を明示的に指定してください。")
			return nil, 0, &d
		}
		for _, r := range page.Regions {
			switch r.RegionOptStatus {
			case accttypes.RegionOptStatusEnabled, accttypes.RegionOptStatusEnabledByDefault:
				out = append(out, aws.ToString(r.RegionName))
			case accttypes.RegionOptStatusDisabled, accttypes.RegionOptStatusDisabling, accttypes.RegionOptStatusEnabling:
				if all {
					out = append(out, aws.ToString(r.RegionName))
				} else {
					skipped++ // not opted in (or changing): nothing can run there
				}
			}
		}
	}
	sort.Strings(out)
	return out, skipped, nil
}
