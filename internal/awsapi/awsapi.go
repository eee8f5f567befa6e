// Package awsapi is the one place kumoguard reaches AWS from: it loads the
// SDK configuration and credentials (profile, region, the standard chain),
// applies an endpoint override, the retry policy and a per-call timeout, and
// derives per-account configurations (assumed roles). Every AWS-talking
// command (scan aws, runbook, migrate, fix --check-aws) builds its
// configuration here, so they all give up on an endpoint that does not answer
// after the same --call-timeout instead of hanging.
//
// Credentials are never logged or printed: nothing here writes anything, and
// the SDK's client logging (ClientLogMode) is left off.
package awsapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
)

// Defaults.
const (
	// DefaultCallTimeout bounds each API call (one page of a paginated call,
	// one poll of a waiter, one AssumeRole), retries included.
	DefaultCallTimeout = 30 * time.Second
	// DefaultMaxAttempts is the attempt limit per call when neither the
	// caller nor the environment (AWS_MAX_ATTEMPTS, max_attempts in the
	// shared config) sets one.
	DefaultMaxAttempts = 8
	// MaxBackoff caps the retry backoff.
	MaxBackoff = 5 * time.Second
)

// ErrNoRegion is returned by Load when no Region is configured and Options
// has no DefaultRegion.
var ErrNoRegion = errors.New("no AWS Region: pass --region or set AWS_REGION")

// ErrCallTimeout is wrapped into the error of an API call that got no
// complete answer within the call timeout (errors.Is works on the SDK's
// operation error).
var ErrCallTimeout = errors.New("no answer within the call timeout")

// Options say how to reach AWS. Zero values take the defaults.
type Options struct {
	// Profile selects a shared config profile (--profile); empty uses the
	// standard chain: environment, shared config, SSO, web identity, IMDS.
	Profile string
	// Region is the Region of the calls (--region); empty takes the
	// profile's or AWS_REGION, then DefaultRegion.
	Region string
	// DefaultRegion is used when no Region is configured at all; empty makes
	// Load fail with ErrNoRegion.
	DefaultRegion string
	// EndpointURL sends every call to this endpoint (--endpoint-url), e.g.
	// an emulator such as moto_server.
	EndpointURL string
	// CallTimeout bounds each API call, retries included (--call-timeout).
	// 0 = DefaultCallTimeout.
	CallTimeout time.Duration
	// MaxAttempts is the attempt limit per call; 0 takes the environment's
	// (AWS_MAX_ATTEMPTS) or DefaultMaxAttempts.
	MaxAttempts int
}

// Load loads the SDK configuration from the standard chain and applies o
// (see Configure). It makes no API call: credentials are resolved lazily, on
// the first call.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	var lo []func(*config.LoadOptions) error
	if o.Profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		lo = append(lo, config.WithRegion(o.Region))
	}
	// AWS_CA_BUNDLE needs a buildable client: a plain *http.Client fails
	// with "has no WithTransportOptions".
	lo = append(lo, config.WithHTTPClient(awshttp.NewBuildableClient()))
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	cfg.HTTPClient = ClosedBodySafe(cfg.HTTPClient)
	return Configure(cfg, o)
}

// Configure applies o to a configuration loaded elsewhere (tests, embedding):
// Region (o.Region, else cfg's, else o.DefaultRegion; none is ErrNoRegion),
// the endpoint override, the retryer and the per-call timeout. cfg is not
// modified; the result is a copy.
func Configure(cfg aws.Config, o Options) (aws.Config, error) {
	cfg = cfg.Copy()
	if o.Region != "" {
		cfg.Region = o.Region
	}
	if cfg.Region == "" {
		cfg.Region = o.DefaultRegion
	}
	if cfg.Region == "" {
		return aws.Config{}, ErrNoRegion
	}
	if o.EndpointURL != "" {
		cfg.BaseEndpoint = aws.String(o.EndpointURL)
	}
	maxAttempts := o.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = cfg.RetryMaxAttempts // AWS_MAX_ATTEMPTS or max_attempts
	}
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	// Adaptive retry: the standard retryer's exponential backoff plus a
	// client-side token bucket that slows down on throttling errors, shared
	// by the clients made from this configuration.
	// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
	cfg.Retryer = func() aws.Retryer {
		return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
			ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = maxAttempts
				so.MaxBackoff = MaxBackoff
			})
		})
	}
	// The retryer carries the limit; a non-zero RetryMaxAttempts would make
	// every client wrap it once more (retry.AddWithMaxAttempts).
	cfg.RetryMaxAttempts = 0
	timeout := o.CallTimeout
	if timeout <= 0 {
		timeout = DefaultCallTimeout
	}
	cfg.APIOptions = append(cfg.APIOptions, WithCallTimeout(timeout))
	return cfg, nil
}

// callTimeoutID names the middleware in the SDK's stack.
const callTimeoutID = "kumoguard.CallTimeout"

// WithCallTimeout returns an API option that bounds every operation of a
// client (each page of a paginator and each poll of a waiter is one
// operation) by d, retries included. It runs first in the Initialize step,
// so the deadline covers endpoint resolution, signing, the HTTP exchange,
// retries and deserialization. The output of an operation whose body is a
// stream (S3 GetObject) would be cut off when the operation returns; kumoguard
// calls no such operation.
// https://aws.github.io/aws-sdk-go-v2/docs/middleware/
func WithCallTimeout(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		if _, ok := stack.Initialize.Get(callTimeoutID); ok {
			_, err := stack.Initialize.Swap(callTimeoutID, callTimeout(d))
			return err
		}
		return stack.Initialize.Add(callTimeout(d), middleware.Before)
	}
}

func callTimeout(d time.Duration) middleware.InitializeMiddleware {
	return middleware.InitializeMiddlewareFunc(callTimeoutID, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		cctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		out, md, err := next.HandleInitialize(cctx, in)
		if err != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("%w (%s): %w", ErrCallTimeout, d, err)
		}
		return out, md, err
	})
}
