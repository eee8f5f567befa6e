package testenv

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// FakePriceList answers the AWS Price List API's GetProducts, which moto
// does not implement, over the real wire protocol: awsJson1_1, header
// X-Amz-Target: AWSPriceListService.GetProducts, a JSON body with
// ServiceCode, Filters (TERM_MATCH Field/Value), MaxResults and NextToken,
// and the response {"FormatVersion":"aws_v1","PriceList":["<JSON document>",
// ...],"NextToken":"..."}. Set it as FakeOptions.PriceList; FakeAWS then
// routes pricing:GetProducts here (and counts and denies it like any call).
type FakePriceList struct {
	// Products are the PriceList entries the API knows.
	Products []FakePriceListProduct
	// PageSize caps the documents per page (the smaller of it and
	// MaxResults; the API's default and maximum is 100). 0 means 100.
	PageSize int
}

// FakePriceListProduct is one PriceList entry: Doc is returned verbatim.
// Attributes decide filtering (regionCode, productFamily, ...) so that a
// malformed Doc can still be placed in a region's result.
type FakePriceListProduct struct {
	ServiceCode string
	Attributes  map[string]string
	Doc         string
}

// BacktrackProduct builds a well-formed AmazonRDS "System Operation"
// PriceList entry for usageType in region, with one OnDemand price
// dimension of unit with pricePerUnit.USD = usd.
func BacktrackProduct(region, usageType, unit, usd string) FakePriceListProduct {
	sku := fmt.Sprintf("SKU%08X", hash(region+usageType))
	attrs := map[string]string{
		"regionCode": region, "usagetype": usageType, "productFamily": "System Operation",
		"servicecode": "AmazonRDS", "location": region, "operation": "",
	}
	doc := map[string]any{
		"product": map[string]any{
			"productFamily": "System Operation",
			"attributes":    attrs,
			"sku":           sku,
		},
		"serviceCode":     "AmazonRDS",
		"publicationDate": "2026-11-01T00:00:00Z",
		"version":         "20261101000000",
		"terms": map[string]any{"OnDemand": map[string]any{
			sku + ".JRTCKXETXF": map[string]any{
				"sku": sku, "offerTermCode": "JRTCKXETXF", "effectiveDate": "2026-11-01T00:00:00Z",
				"priceDimensions": map[string]any{
					sku + ".JRTCKXETXF.6YS6EN2CT7": map[string]any{
						"unit": unit, "pricePerUnit": map[string]string{"USD": usd},
						"description": "$" + usd + " per " + unit + " for " + usageType,
						"beginRange":  "0", "endRange": "Inf", "rateCode": sku + ".JRTCKXETXF.6YS6EN2CT7",
					},
				},
			},
		}},
	}
	b, _ := json.Marshal(doc)
	return FakePriceListProduct{ServiceCode: "AmazonRDS", Attributes: attrs, Doc: string(b)}
}

func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func (p *FakePriceList) serveGetProducts(w http.ResponseWriter, q fakeReq) {
	var in struct {
		ServiceCode string
		Filters     []struct{ Type, Field, Value string }
		MaxResults  int
		NextToken   string
	}
	if err := json.Unmarshal(q.body, &in); err != nil {
		priceListError(w, 400, "InvalidParameterException", "request body is not JSON: "+err.Error())
		return
	}
	if in.ServiceCode == "" {
		priceListError(w, 400, "InvalidParameterException", "ServiceCode is required")
		return
	}
	var match []string
	for _, pr := range p.Products {
		if pr.ServiceCode != in.ServiceCode {
			continue
		}
		ok := true
		for _, f := range in.Filters {
			if f.Type != "TERM_MATCH" {
				priceListError(w, 400, "InvalidParameterException", "unsupported filter type "+f.Type)
				return
			}
			if pr.Attributes[f.Field] != f.Value {
				ok = false
			}
		}
		if ok {
			match = append(match, pr.Doc)
		}
	}
	size := p.PageSize
	if size <= 0 || size > 100 {
		size = 100
	}
	if in.MaxResults > 0 && in.MaxResults < size {
		size = in.MaxResults
	}
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(in.NextToken, "fake-offset-"))
		if err != nil || !strings.HasPrefix(in.NextToken, "fake-offset-") || n < 0 || n > len(match) {
			priceListError(w, 400, "InvalidNextTokenException", "The next token is invalid: "+in.NextToken)
			return
		}
		start = n
	}
	end := min(start+size, len(match))
	out := map[string]any{"FormatVersion": "aws_v1", "PriceList": append([]string{}, match[start:end]...)}
	if end < len(match) {
		out["NextToken"] = "fake-offset-" + strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(out)
}

func priceListError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": code, "Message": msg})
}
