package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kumoguard/kumoguard/internal/awsapi"
)

// partitionRegions are the Regions of each AWS partition, as the AWS SDK for
// Go v2 (v1.48.0, internal/endpoints/awsrulesfn/partitions.json) lists them;
// --regions is checked against them without calling AWS. A Region AWS opens
// later needs a kumoguard release that knows it.
// https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
var partitionRegions = map[string][]string{
	"aws": {"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
		"ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
		"ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
		"eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
		"me-west-1", "mx-central-1", "sa-east-1", "sa-west-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-eusc":   {"eusc-de-east-1"},
	"aws-iso":    {"us-iso-east-1", "us-iso-west-1"},
	"aws-iso-b":  {"us-isob-east-1", "us-isob-west-1"},
	"aws-iso-e":  {"eu-isoe-west-1"},
	"aws-iso-f":  {"us-isof-east-1", "us-isof-south-1"},
}

// regionPartition is the partition that lists region, or "".
func regionPartition(region string) string {
	for p, rs := range partitionRegions {
		if slices.Contains(rs, region) {
			return p
		}
	}
	return ""
}

// checkRegions validates --regions: "all" alone, or Regions of one
// partition (one set of credentials cannot reach two partitions).
func checkRegions(regions []string) error {
	if len(regions) == 1 && strings.EqualFold(strings.TrimSpace(regions[0]), "all") {
		return nil
	}
	first := ""
	for _, r := range regions {
		r = strings.TrimSpace(r)
		if strings.EqualFold(r, "all") {
			return usageErr("%s", msg(`--regions: "all" cannot be combined with Regions`, `--regions："all" はリージョンと併用できません`))
		}
		p := regionPartition(r)
		if p == "" {
			want := awsapi.Partition(r)
			if _, ok := partitionRegions[want]; !ok {
				want = "aws"
			}
			return usageErr(msg("--regions: %q is not a Region of the %s partition (expected one of %s, or all)",
				"--regions：%q は %s パーティションのリージョンではありません（%s、または all を指定してください）"),
				r, want, strings.Join(partitionRegions[want], ", "))
		}
		if first == "" {
			first = p
		} else if p != first {
			return usageErr(msg("--regions: %q is in the %s partition, the others in %s: scan each partition separately",
				"--regions：%q は %s パーティション、ほかは %s パーティションです。パーティションごとにスキャンしてください"), r, p, first)
		}
	}
	return nil
}

// completeRegions offers every known Region.
func completeRegions(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, rs := range partitionRegions {
		out = append(out, rs...)
	}
	slices.Sort(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeRegionList offers "all" and the Regions, after the ones already
// typed in a comma-separated list.
func completeRegionList(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix = toComplete[:i+1]
	}
	rs, d := completeRegions(cmd, args, toComplete)
	var out []string
	if prefix == "" {
		out = append(out, "all")
	}
	for _, r := range rs {
		out = append(out, prefix+r)
	}
	return out, d | cobra.ShellCompDirectiveNoSpace
}

// fixedCompletion offers a fixed list of values.
func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}
