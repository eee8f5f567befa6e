// Package corpus writes a synthetic, deterministic Terraform corpus for the
// kumoguard benchmark: by default 2,000 .tf files declaring 5,000 Aurora
// clusters, with variables, tfvars, locals, conditionals, functions,
// for_each and local modules, laid out like a real multi-stack repository.
package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Spec sizes a corpus.
type Spec struct {
	Modules  int // shared local modules, 3 .tf files each
	Stacks   int // root modules, 4 .tf files each (+ terraform.tfvars)
	Clusters int // clusters in total
	// ModuleCallsPerStack is how many clusters of each stack come from module calls;
	// the rest are a for_each over a local map.
	ModuleCallsPerStack int
}

// Default is the benchmark corpus of issue 3, point 9: 20 modules × 3 files +
// 485 stacks × 4 files = 2,000 .tf files, 5,000 clusters.
var Default = Spec{Modules: 20, Stacks: 485, Clusters: 5000, ModuleCallsPerStack: 4}

// Stats says what was written.
type Stats struct {
	TFFiles  int
	Clusters int
}

// Generate writes the corpus under dir.
func Generate(dir string, s Spec) (Stats, error) {
	var st Stats
	write := func(rel, content string) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if strings.HasSuffix(rel, ".tf") {
			st.TFFiles++
		}
		return os.WriteFile(p, []byte(content), 0o644)
	}
	for m := 0; m < s.Modules; m++ {
		base := fmt.Sprintf("modules/aurora-%02d/", m)
		for _, f := range []struct{ name, body string }{
			{"variables.tf", moduleVariables},
			{"main.tf", fmt.Sprintf(moduleMain, m)},
			{"outputs.tf", moduleOutputs},
		} {
			if err := write(base+f.name, f.body); err != nil {
				return st, err
			}
		}
	}
	per, extra := s.Clusters/s.Stacks, s.Clusters%s.Stacks
	for i := 0; i < s.Stacks; i++ {
		n := per
		if i < extra {
			n++
		}
		calls := s.ModuleCallsPerStack
		if calls > n {
			calls = n
		}
		direct := n - calls
		st.Clusters += n
		base := fmt.Sprintf("stacks/team-%02d/stack-%03d/", i%25, i)
		var mainTF, locals strings.Builder
		fmt.Fprintf(&mainTF, "# Stack %d: %d clusters (%d through modules, %d declared here).\n\n", i, n, calls, direct)
		for c := 0; c < calls; c++ {
			mod := (i + c) % s.Modules
			fmt.Fprintf(&mainTF, `module "svc_%d" {
  source           = "../../../modules/aurora-%02d"
  name             = "${local.prefix}-svc-%d"
  environment      = var.environment
  engine_version   = var.engine_version
  backtrack_window = lookup(local.windows, var.environment, 0)%s
  master_password  = var.master_password
  tags             = local.tags
}

`, c, mod, c, map[bool]string{true: " * 0 + 72", false: ""}[(i+c)%17 == 0])
		}
		if direct > 0 {
			mainTF.WriteString(`resource "aws_rds_cluster" "direct" {
  for_each = local.clusters

  cluster_identifier      = "${local.prefix}-${each.key}"
  engine                  = each.value.engine
  engine_version          = var.engine_version
  backtrack_window        = try(each.value.backtrack_window, local.default_window)
  master_username         = "admin"
  master_password         = var.master_password
  backup_retention_period = var.environment == "prod" ? 14 : 3
  tags                    = merge(local.tags, { Name = each.key })
}
`)
		}
		fmt.Fprintf(&locals, `locals {
  prefix = format("%%s-%%03d", var.team, %d)
  windows = {
    prod    = 259200
    staging = 86400
    dev     = 3600
  }
  default_window = var.environment == "prod" ? local.windows["prod"] : var.fallback_window
  tags = merge(var.extra_tags, {
    Team        = var.team
    Environment = upper(var.environment)
    Stack       = "%03d"
  })
  clusters = {
`, i, i)
		for d := 0; d < direct; d++ {
			engine := "aurora-mysql"
			if (i+d)%11 == 0 {
				engine = "aurora-postgresql"
			}
			window := ""
			switch (i + d) % 5 {
			case 0:
				window = "      backtrack_window = 72\n"
			case 1:
				window = "      backtrack_window = 86400\n"
			case 2:
				window = "      backtrack_window = var.environment == \"prod\" ? 259200 : 0\n"
			}
			fmt.Fprintf(&locals, "    db%02d = {\n      engine = %q\n%s    }\n", d, engine, window)
		}
		locals.WriteString("  }\n}\n")
		env := []string{"prod", "staging", "dev"}[i%3]
		for _, f := range []struct{ name, body string }{
			{"main.tf", mainTF.String()},
			{"variables.tf", stackVariables},
			{"locals.tf", locals.String()},
			{"outputs.tf", stackOutputs(calls)},
			{"terraform.tfvars", fmt.Sprintf("team        = \"team-%02d\"\nenvironment = %q\n", i%25, env)},
		} {
			if err := write(base+f.name, f.body); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

func stackOutputs(calls int) string {
	var b strings.Builder
	for c := 0; c < calls; c++ {
		fmt.Fprintf(&b, "output \"svc_%d_endpoint\" {\n  value = module.svc_%d.endpoint\n}\n\n", c, c)
	}
	if calls == 0 {
		b.WriteString("output \"prefix\" {\n  value = local.prefix\n}\n")
	}
	return b.String()
}

const moduleVariables = `variable "name" {
  type = string
}

variable "environment" {
  type = string
}

variable "engine_version" {
  type    = string
  default = "8.0.mysql_aurora.3.04.2"
}

variable "backtrack_window" {
  type    = number
  default = null
}

variable "instance_count" {
  type    = number
  default = 2
}

variable "master_password" {
  type      = string
  sensitive = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
`

const moduleMain = `# Shared Aurora MySQL module %d.
locals {
  is_prod = var.environment == "prod"
  tags    = merge(var.tags, { Module = "aurora" })
}

resource "aws_rds_cluster" "this" {
  cluster_identifier      = var.name
  engine                  = "aurora-mysql"
  engine_version          = var.engine_version
  master_username         = "admin"
  master_password         = var.master_password
  backtrack_window        = var.backtrack_window
  backup_retention_period = local.is_prod ? 14 : 3
  deletion_protection     = local.is_prod
  tags                    = local.tags
}

resource "aws_rds_cluster_instance" "this" {
  count              = local.is_prod ? var.instance_count : 1
  identifier         = "${var.name}-${count.index}"
  cluster_identifier = aws_rds_cluster.this.id
  instance_class     = local.is_prod ? "db.r6g.large" : "db.serverless"
  engine             = aws_rds_cluster.this.engine
}
`

const moduleOutputs = `output "endpoint" {
  value = aws_rds_cluster.this.endpoint
}

output "cluster_identifier" {
  value = aws_rds_cluster.this.cluster_identifier
}
`

const stackVariables = `variable "team" {
  type = string
}

variable "environment" {
  type = string
  validation {
    condition     = contains(["prod", "staging", "dev"], var.environment)
    error_message = "Unknown environment."
  }
}

variable "engine_version" {
  type    = string
  default = "8.0.mysql_aurora.3.04.2"
}

variable "fallback_window" {
  type    = number
  default = 86400
}

variable "master_password" {
  type      = string
  sensitive = true
  default   = "Bench-Only-Not-A-Secret"
}

variable "extra_tags" {
  type    = map(string)
  default = {}
}
`
