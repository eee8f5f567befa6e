package testenv

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
)

// The fake speaks the Price List API's awsJson1_1 protocol: the SDK's own
// paginator, filters and typed errors work against it.
func TestFakePriceListProtocol(t *testing.T) {
	f := NewFakeAWS("", FakeOptions{PriceList: &FakePriceList{PageSize: 2, Products: []FakePriceListProduct{
		BacktrackProduct("eu-west-2", "EUW2-Aurora:BacktrackUsage", "CR-Hr", "0.0000000140"),
		BacktrackProduct("eu-west-2", "EUW2-Aurora:StorageIOUsage", "IOs", "0.0000002000"),
		BacktrackProduct("eu-west-2", "EUW2-Aurora:BackupUsage", "GB-Mo", "0.0210000000"),
		BacktrackProduct("us-east-1", "Aurora:BacktrackUsage", "CR-Hr", "0.0000000120"),
	}}})
	defer f.Close()
	ctx := context.Background()
	client := pricing.NewFromConfig(Config(f.URL, "us-east-1"))
	filter := func(field, value string) pricingtypes.Filter {
		return pricingtypes.Filter{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String(field), Value: aws.String(value)}
	}
	tests := []struct {
		filters       []pricingtypes.Filter
		pages, result int
	}{
		{[]pricingtypes.Filter{filter("regionCode", "eu-west-2")}, 2, 3},
		{[]pricingtypes.Filter{filter("regionCode", "eu-west-2"), filter("usagetype", "EUW2-Aurora:BacktrackUsage")}, 1, 1},
		{[]pricingtypes.Filter{filter("productFamily", "System Operation")}, 2, 4},
		{[]pricingtypes.Filter{filter("regionCode", "ap-south-2")}, 1, 0},
	}
	for _, tt := range tests {
		p := pricing.NewGetProductsPaginator(client, &pricing.GetProductsInput{ServiceCode: aws.String("AmazonRDS"), Filters: tt.filters})
		pages, n := 0, 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.FormatVersion) != "aws_v1" {
				t.Errorf("FormatVersion = %q", aws.ToString(out.FormatVersion))
			}
			pages++
			n += len(out.PriceList)
		}
		if pages != tt.pages || n != tt.result {
			t.Errorf("%v: %d pages, %d entries; want %d, %d", tt.filters, pages, n, tt.pages, tt.result)
		}
	}
	if got := f.Calls()["pricing:GetProducts"]; got != 6 {
		t.Errorf("calls counted as pricing:GetProducts: %d, want 6 (%v)", got, f.Calls())
	}
	_, err := client.GetProducts(ctx, &pricing.GetProductsInput{ServiceCode: aws.String("AmazonRDS"), NextToken: aws.String("bogus")})
	var bad *pricingtypes.InvalidNextTokenException
	if !errors.As(err, &bad) {
		t.Errorf("bad NextToken: want InvalidNextTokenException, got %v", err)
	}
	out, err := client.GetProducts(ctx, &pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2")})
	if err != nil || len(out.PriceList) != 0 {
		t.Errorf("another service's products: want none, got %v %v", out, err)
	}
}
