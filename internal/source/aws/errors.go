package awssource

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/aws/smithy-go"

	"github.com/kumoguard/kumoguard/internal/model"
)

// accessDeniedCodes are the AWS error codes that mean "not allowed": the
// scanning role lacks a permission, an SCP denies it, or the region is not
// enabled for the account.
var accessDeniedCodes = map[string]bool{
	"AccessDenied":                      true,
	"AccessDeniedException":             true,
	"UnauthorizedOperation":             true,
	"AuthorizationError":                true,
	"AuthorizationErrorException":       true,
	"OptInRequired":                     true,
	"InvalidClientTokenId":              true, // STS/RDS in a region the account has not opted in to
	"UnrecognizedClientException":       true,
	"AWSOrganizationsNotInUseException": true,
}

// errorCode returns the AWS error code and message of err.
func errorCode(err error) (code, msg string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	return "", err.Error()
}

// errorText renders an AWS error as "Code: message".
func errorText(err error) string {
	code, msg := errorCode(err)
	if code == "" {
		return msg
	}
	return code + ": " + msg
}

// diagnostic builds the ERROR diagnostic for a scope (account, or
// account-region) that could not be scanned, naming the AWS error code and
// message. what says which step failed.
func diagnostic(acct, region string, err error, what model.Text) model.Diagnostic {
	code, msg := errorCode(err)
	reason := model.ReasonAPIError
	if accessDeniedCodes[code] || strings.Contains(strings.ToLower(code), "accessdenied") {
		reason = model.ReasonAccessDenied
	}
	where := acct
	if region != "" {
		where += "/" + region
	}
	shown := code
	if shown == "" {
		shown = "error"
	}
	d := model.Diagnostic{
		Status:   model.StatusError,
		Reason:   reason,
		Location: model.Location{Account: acct, Region: region},
		Resource: model.Resource{Kind: model.SourceAWS, Type: "AWS::Account", Address: where, Account: acct, Region: region},
		Message: model.T("%s could not be scanned: %s failed with %s: %s",
			"%s をスキャンできませんでした：%s が %s で失敗しました：%s", where, what.EN, shown, msg),
	}
	// Japanese puts no space between a Japanese word and its particle.
	sep := "が"
	if r, _ := utf8.DecodeLastRuneInString(what.JA); r < 0x80 {
		sep = " が"
	}
	d.Message.JA = where + " をスキャンできませんでした。" + what.JA + sep + "失敗しました（" + shown + "）：" + msg
	if reason == model.ReasonAccessDenied {
		d.Remediation = model.T(
			"Grant the scanning role the read-only policy from the README (check SCPs and permission boundaries too), or enable the region for the account; or leave this scope out with --regions/--accounts.",
			"スキャン用ロールに README の読み取り専用ポリシーを付与してください（SCP やアクセス許可の境界も確認してください）。またはアカウントでリージョンを有効化するか、--regions/--accounts でこの範囲を除外してください。")
	}
	return d
}
