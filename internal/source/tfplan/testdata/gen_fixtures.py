#!/usr/bin/env python3
"""Writes the hand-authored plan fixtures for internal/source/tfplan.

Usage (from internal/source/tfplan): python3 testdata/gen_fixtures.py testdata
then: go test . -update (golden inventories) and review the diff.

The AWS provider cannot be downloaded here, so these follow the shape of
`terraform show -json` (format 1.2, Terraform 1.11.4, hashicorp/aws 6.x) as
documented at https://developer.hashicorp.com/terraform/internals/json-format
and as decoded by hashicorp/terraform-json.
"""
import copy, json, os, sys

OUT = sys.argv[1]
TFV = "1.11.4"
PROVIDER = "registry.terraform.io/hashicorp/aws"
ACCOUNT = "123456789012"
REGION = "ap-northeast-1"

def cluster_after(ident, engine="aurora-mysql", version="8.0.mysql_aurora.3.08.0", window=None, **kw):
    v = {
        "allocated_storage": None,
        "allow_major_version_upgrade": None,
        "apply_immediately": None,
        "backtrack_window": window,
        "backup_retention_period": 7,
        "cluster_identifier": ident,
        "cluster_scalability_type": None,
        "copy_tags_to_snapshot": True,
        "database_insights_mode": None,
        "database_name": "app",
        "db_cluster_instance_class": None,
        "db_instance_parameter_group_name": None,
        "db_subnet_group_name": "app-db",
        "db_system_id": None,
        "delete_automated_backups": True,
        "deletion_protection": True,
        "domain": None,
        "domain_iam_role_name": None,
        "enable_global_write_forwarding": None,
        "enable_http_endpoint": False,
        "enable_local_write_forwarding": None,
        "enabled_cloudwatch_logs_exports": ["audit", "error", "slowquery"],
        "engine": engine,
        "engine_lifecycle_support": "open-source-rds-extended-support",
        "engine_mode": "provisioned",
        "engine_version": version,
        "final_snapshot_identifier": ident + "-final",
        "global_cluster_identifier": None,
        "iam_database_authentication_enabled": True,
        "iops": None,
        "manage_master_user_password": True,
        "master_password": None,
        "master_password_wo": None,
        "master_password_wo_version": None,
        "master_user_secret_kms_key_id": None,
        "master_username": "admin",
        "monitoring_interval": 60,
        "performance_insights_enabled": True,
        "region": REGION,
        "replication_source_identifier": None,
        "restore_to_point_in_time": [],
        "s3_import": [],
        "scaling_configuration": [],
        "serverlessv2_scaling_configuration": [],
        "skip_final_snapshot": False,
        "snapshot_identifier": None,
        "source_region": None,
        "storage_encrypted": True,
        "tags": {"Environment": "prod", "Service": "orders"},
        "tags_all": {"Environment": "prod", "Service": "orders", "ManagedBy": "terraform"},
        "timeouts": None,
    }
    v.update(kw)
    return v

COMPUTED = ["arn", "availability_zones", "ca_certificate_identifier", "ca_certificate_valid_till",
            "cluster_identifier_prefix", "cluster_members", "cluster_resource_id", "db_cluster_parameter_group_name",
            "endpoint", "engine_version_actual", "hosted_zone_id", "iam_roles", "id", "kms_key_id",
            "master_user_secret", "network_type", "performance_insights_kms_key_id",
            "performance_insights_retention_period", "port", "preferred_backup_window",
            "preferred_maintenance_window", "reader_endpoint", "storage_type", "vpc_security_group_ids"]

def created_unknown(after, extra=()):
    u = {k: True for k in COMPUTED}
    for k in extra:
        u[k] = True
    for k, val in after.items():
        if isinstance(val, list):
            u.setdefault(k, [{} for _ in val] if val and isinstance(val[0], dict) else [False for _ in val])
        elif isinstance(val, dict):
            u.setdefault(k, {})
    for k in extra:
        after.pop(k, None)
    return u

def state_values(after):
    """Values of a cluster that exists: computed attributes known."""
    ident = after["cluster_identifier"]
    v = copy.deepcopy(after)
    v.update({
        "arn": f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{ident}",
        "availability_zones": [f"{REGION}a", f"{REGION}c", f"{REGION}d"],
        "ca_certificate_identifier": "rds-ca-rsa2048-g1",
        "ca_certificate_valid_till": "2061-11-24T02:54:47Z",
        "cluster_identifier_prefix": "",
        "cluster_members": [f"{ident}-1", f"{ident}-2"],
        "cluster_resource_id": "cluster-" + ("ABCDEFGHIJKLMNOPQRSTUVWXY" + ident.upper().replace("-", ""))[:26],
        "db_cluster_parameter_group_name": "default.aurora-mysql8.0",
        "endpoint": f"{ident}.cluster-c1a2b3c4d5e6.{REGION}.rds.amazonaws.com",
        "engine_version_actual": after["engine_version"],
        "hosted_zone_id": "Z24O6O9L7SGTNB",
        "iam_roles": [],
        "id": ident,
        "kms_key_id": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "master_user_secret": [{"kms_key_id": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
                                 "secret_arn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:rds!cluster-1a2b3c4d-AbCdEf",
                                 "secret_status": "active"}],
        "network_type": "IPV4",
        "performance_insights_kms_key_id": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "performance_insights_retention_period": 7,
        "port": 3306 if after["engine"].endswith("mysql") else 5432,
        "preferred_backup_window": "17:00-17:30",
        "preferred_maintenance_window": "sun:18:00-sun:18:30",
        "reader_endpoint": f"{ident}.cluster-ro-c1a2b3c4d5e6.{REGION}.rds.amazonaws.com",
        "storage_type": "aurora",
        "vpc_security_group_ids": ["sg-0a1b2c3d4e5f60718"],
    })
    return dict(sorted(v.items()))

def sensitive_flags(values, sensitive=("master_password", "master_password_wo")):
    s = {}
    for k, val in values.items():
        if k in sensitive and val is not None:
            s[k] = True
        elif isinstance(val, list):
            s[k] = [{} if isinstance(x, dict) else False for x in val]
        elif isinstance(val, dict):
            s[k] = {}
    if "master_password" in values:
        s["master_password"] = True
    return dict(sorted(s.items()))

def addr_parts(addr):
    parts = addr.split(".")
    mod = []
    while parts[0] == "module":
        mod.append("module." + parts[1]); parts = parts[2:]
    typ = parts[0]; rest = ".".join(parts[1:])
    name, idx = rest, None
    if "[" in rest:
        name, k = rest.split("[", 1); k = k.rstrip("]")
        idx = json.loads(k)
    return ".".join(mod), typ, name, idx

def resource_change(addr, actions, before, after, after_unknown=None, sens_before=None, sens_after=None, reason=None):
    mod, typ, name, idx = addr_parts(addr)
    rc = {"address": addr}
    if mod:
        rc["module_address"] = mod
    rc.update({"mode": "managed", "type": typ, "name": name})
    if idx is not None:
        rc["index"] = idx
    rc["provider_name"] = PROVIDER
    rc["change"] = {
        "actions": actions,
        "before": before,
        "after": after,
        "after_unknown": after_unknown if after_unknown is not None else {},
        "before_sensitive": False if before is None else (sens_before if sens_before is not None else sensitive_flags(before)),
        "after_sensitive": False if after is None else (sens_after if sens_after is not None else sensitive_flags(after)),
    }
    if reason:
        rc["action_reason"] = reason
    return rc

def planned_resource(addr, values, sens=None):
    mod, typ, name, idx = addr_parts(addr)
    r = {"address": addr, "mode": "managed", "type": typ, "name": name}
    if idx is not None:
        r["index"] = idx
    r.update({"provider_name": PROVIDER, "schema_version": 0, "values": values,
              "sensitive_values": sens if sens is not None else sensitive_flags(values)})
    return r

def module_tree(resources):
    """planned_values/prior_state module tree from (address, resource) pairs."""
    root = {"resources": [], "child_modules": []}
    index = {"": root}
    for addr, res in resources:
        mod = addr_parts(addr)[0]
        parts = mod.split(".") if mod else []
        path = ""
        node = root
        for i in range(0, len(parts), 2):
            seg = parts[i] + "." + parts[i + 1]
            path = seg if not path else path + "." + seg
            if path not in index:
                child = {"resources": [], "address": path, "child_modules": []}
                node["child_modules"].append(child)
                index[path] = child
            node = index[path]
        node["resources"].append(res)
    def clean(n):
        if not n["child_modules"]:
            del n["child_modules"]
        else:
            for c in n["child_modules"]:
                clean(c)
        if not n["resources"]:
            del n["resources"]
        # address after resources, as Terraform writes it
        if "address" in n:
            a = n.pop("address")
            cm = n.pop("child_modules", None)
            n["address"] = a
            if cm is not None:
                n["child_modules"] = cm
    clean(root)
    return root

def const(v):
    return {"constant_value": v}

def refs(*r):
    return {"references": list(r)}

def config_resource(addr, expressions, count=None):
    typ, name = addr.split(".")
    r = {"address": addr, "mode": "managed", "type": typ, "name": name,
         "provider_config_key": "aws", "expressions": expressions, "schema_version": 0}
    if count is not None:
        r["count_expression"] = count
    return r

def cluster_expr(ident, engine="aurora-mysql", version="8.0.mysql_aurora.3.08.0", window=None, **extra):
    e = {
        "cluster_identifier": const(ident),
        "copy_tags_to_snapshot": const(True),
        "database_name": const("app"),
        "db_subnet_group_name": const("app-db"),
        "deletion_protection": const(True),
        "enabled_cloudwatch_logs_exports": const(["audit", "error", "slowquery"]),
        "engine": const(engine),
        "engine_version": const(version),
        "final_snapshot_identifier": const(ident + "-final"),
        "iam_database_authentication_enabled": const(True),
        "manage_master_user_password": const(True),
        "master_username": const("admin"),
        "monitoring_interval": const(60),
        "performance_insights_enabled": const(True),
        "tags": const({"Environment": "prod", "Service": "orders"}),
    }
    if window is not None:
        e["backtrack_window"] = const(window)
    e.update(extra)
    return dict(sorted(e.items()))

def plan(resource_changes, planned, prior=None, config_root=None, variables=None, timestamp="2026-11-25T02:40:11Z"):
    p = {"format_version": "1.2", "terraform_version": TFV}
    if variables:
        p["variables"] = variables
    p["planned_values"] = {"root_module": module_tree(planned)}
    p["resource_changes"] = resource_changes
    if prior is not None:
        p["prior_state"] = {"format_version": "1.0", "terraform_version": TFV,
                            "values": {"root_module": module_tree(prior)}}
    p["configuration"] = {"provider_config": {"aws": {"name": "aws", "full_name": PROVIDER,
                          "version_constraint": "~> 6.0",
                          "expressions": {"region": const(REGION)}}},
                          "root_module": config_root or {}}
    p["timestamp"] = timestamp
    p["applyable"] = True
    p["complete"] = True
    p["errored"] = False
    return p

def write(name, p, minify=False):
    with open(os.path.join(OUT, name), "w") as f:
        if minify:
            json.dump(p, f, separators=(",", ":"), ensure_ascii=False)
        else:
            json.dump(p, f, indent=2, ensure_ascii=False)
        f.write("\n")

def create_plan(addr, after, expressions, extra_unknown=(), planned_extra=()):
    after = dict(sorted(after.items()))
    unknown = created_unknown(after, extra_unknown)
    rc = resource_change(addr, ["create"], None, after, unknown)
    return rc, (addr, planned_resource(addr, after))

# 1. create with backtrack 86400
after = cluster_after("orders-prod", window=86400)
rc, pv = create_plan("aws_rds_cluster.orders", after, None)
write("create_backtrack.json", plan([rc], [pv], prior=[], config_root={"resources": [
    config_resource("aws_rds_cluster.orders", cluster_expr("orders-prod", window=86400))]}))

# 2. update 0 -> 86400 on an existing cluster created without backtrack
before = state_values(cluster_after("billing-prod", window=0))
after = copy.deepcopy(before); after["backtrack_window"] = 86400
rc = resource_change("aws_rds_cluster.billing", ["update"], before, after, {})
write("update_enable.json", plan([rc], [("aws_rds_cluster.billing", planned_resource("aws_rds_cluster.billing", after))],
    prior=[("aws_rds_cluster.billing", planned_resource("aws_rds_cluster.billing", before))],
    config_root={"resources": [config_resource("aws_rds_cluster.billing", cluster_expr("billing-prod", window=86400))]}))

# 3. update 86400 -> 0 on an enabled cluster
before = state_values(cluster_after("ledger-prod", window=86400))
after = copy.deepcopy(before); after["backtrack_window"] = 0
rc = resource_change("aws_rds_cluster.ledger", ["update"], before, after, {})
write("update_disable.json", plan([rc], [("aws_rds_cluster.ledger", planned_resource("aws_rds_cluster.ledger", after))],
    prior=[("aws_rds_cluster.ledger", planned_resource("aws_rds_cluster.ledger", before))],
    config_root={"resources": [config_resource("aws_rds_cluster.ledger", cluster_expr("ledger-prod", window=0))]}))

# 4. no-op existing cluster without backtrack (window null in state and config)
before = state_values(cluster_after("legacy-prod", version="5.7.mysql_aurora.2.12.4", window=None))
rc = resource_change("aws_rds_cluster.legacy", ["no-op"], before, copy.deepcopy(before), {})
write("noop_without_backtrack.json", plan([rc], [("aws_rds_cluster.legacy", planned_resource("aws_rds_cluster.legacy", before))],
    prior=[("aws_rds_cluster.legacy", planned_resource("aws_rds_cluster.legacy", before))],
    config_root={"resources": [config_resource("aws_rds_cluster.legacy", cluster_expr("legacy-prod", version="5.7.mysql_aurora.2.12.4"))]}))

# 5. replace: restore from a snapshot with backtrack (snapshot_identifier is ForceNew)
before = state_values(cluster_after("search-prod", window=None))
after = cluster_after("search-prod", window=259200, snapshot_identifier="search-prod-pre-backtrack")
after = dict(sorted(after.items()))
unknown = created_unknown(after)
rc = resource_change("aws_rds_cluster.search", ["delete", "create"], before, after, unknown, reason="replace_because_cannot_update")
rc["change"]["replace_paths"] = [["snapshot_identifier"]]
write("replace.json", plan([rc], [("aws_rds_cluster.search", planned_resource("aws_rds_cluster.search", after))],
    prior=[("aws_rds_cluster.search", planned_resource("aws_rds_cluster.search", before))],
    config_root={"resources": [config_resource("aws_rds_cluster.search", cluster_expr("search-prod", window=259200,
        snapshot_identifier=const("search-prod-pre-backtrack")))]}))

# 6. delete
before = state_values(cluster_after("old-reporting", window=None))
rc = resource_change("aws_rds_cluster.reporting", ["delete"], before, None, {}, reason="delete_because_no_resource_config")
write("delete.json", plan([rc], [], prior=[("aws_rds_cluster.reporting", planned_resource("aws_rds_cluster.reporting", before))],
    config_root={}))

# 7. child module with count, nested module, instances
after = cluster_after("orders-db-0", window=3600)
after = dict(sorted(after.items()))
u = created_unknown(after)
rc1 = resource_change("module.db.aws_rds_cluster.this[0]", ["create"], None, after, u)
inst = []
pv = [("module.db.aws_rds_cluster.this[0]", planned_resource("module.db.aws_rds_cluster.this[0]", after))]
for i in range(2):
    ia = {"apply_immediately": None, "auto_minor_version_upgrade": True, "copy_tags_to_snapshot": False,
          "custom_iam_instance_profile": None, "engine": "aurora-mysql", "force_destroy": None,
          "identifier": f"orders-db-0-{i+1}", "instance_class": "db.r7g.large", "monitoring_interval": 0,
          "promotion_tier": 0, "publicly_accessible": False, "region": REGION, "tags": None, "timeouts": None}
    iu = {"arn": True, "availability_zone": True, "ca_cert_identifier": True, "cluster_identifier": True,
          "db_parameter_group_name": True, "db_subnet_group_name": True, "dbi_resource_id": True, "endpoint": True,
          "engine_version": True, "engine_version_actual": True, "id": True, "identifier_prefix": True,
          "kms_key_id": True, "monitoring_role_arn": True, "network_type": True, "performance_insights_enabled": True,
          "performance_insights_kms_key_id": True, "performance_insights_retention_period": True, "port": True,
          "preferred_backup_window": True, "preferred_maintenance_window": True, "storage_encrypted": True,
          "tags_all": True, "writer": True}
    a = f"module.db.aws_rds_cluster_instance.this[{i}]"
    inst.append(resource_change(a, ["create"], None, ia, iu))
    pv.append((a, planned_resource(a, ia)))
after2 = cluster_after("orders-audit", window=72)
after2 = dict(sorted(after2.items()))
u2 = created_unknown(after2)
rc2 = resource_change("module.db.module.audit.aws_rds_cluster.audit", ["create"], None, after2, u2)
pv.append(("module.db.module.audit.aws_rds_cluster.audit", planned_resource("module.db.module.audit.aws_rds_cluster.audit", after2)))
cfg = {"module_calls": {"db": {"source": "./modules/aurora", "expressions": {"backtrack_window": const(3600)},
    "module": {
        "resources": [
            config_resource("aws_rds_cluster.this", cluster_expr("orders-db-0", backtrack_window=refs("var.backtrack_window"),
                cluster_identifier={"references": ["count.index"]}), count=const(1)),
            config_resource("aws_rds_cluster_instance.this", {
                "cluster_identifier": refs("aws_rds_cluster.this[0].id", "aws_rds_cluster.this[0]", "aws_rds_cluster.this"),
                "engine": const("aurora-mysql"), "instance_class": const("db.r7g.large"),
                "identifier": {"references": ["count.index"]}}, count=const(2)),
        ],
        "module_calls": {"audit": {"source": "./audit", "module": {"resources": [
            config_resource("aws_rds_cluster.audit", cluster_expr("orders-audit", window=72))]}}},
        "variables": {"backtrack_window": {"default": 86400, "description": "Target backtrack window in seconds."}},
    }}}}
write("module_count.json", plan([rc1, inst[0], inst[1], rc2], pv, prior=[], config_root=cfg))

# 8. Aurora PostgreSQL
after = cluster_after("analytics-prod", engine="aurora-postgresql", version="16.6",
                      enabled_cloudwatch_logs_exports=["postgresql"])
after = dict(sorted(after.items()))
rc, pvr = create_plan("aws_rds_cluster.analytics", after, None)
write("aurora_postgresql.json", plan([rc], [pvr], prior=[], config_root={"resources": [
    config_resource("aws_rds_cluster.analytics", cluster_expr("analytics-prod", engine="aurora-postgresql", version="16.6"))]}))

# 9. global database: member with an id known only after apply, a cluster that
# becomes the source of a new global cluster, and one whose membership is unresolved
g_after = {"database_name": None, "deletion_protection": True, "engine": "aurora-mysql",
           "engine_lifecycle_support": "open-source-rds-extended-support", "engine_version": "8.0.mysql_aurora.3.08.0",
           "force_destroy": None, "global_cluster_identifier": "orders-global", "region": REGION,
           "source_db_cluster_identifier": None, "storage_encrypted": True, "tags": None}
g_unknown = {"arn": True, "endpoint": True, "global_cluster_members": True, "global_cluster_resource_id": True,
             "id": True, "tags_all": True}
rcs, pv = [], []
rcs.append(resource_change("aws_rds_global_cluster.orders", ["create"], None, g_after, g_unknown))
pv.append(("aws_rds_global_cluster.orders", planned_resource("aws_rds_global_cluster.orders", g_after)))
m_after = dict(sorted(cluster_after("orders-primary", window=86400).items()))
m_unknown = created_unknown(m_after, extra=("global_cluster_identifier",))
rcs.append(resource_change("aws_rds_cluster.primary", ["create"], None, m_after, m_unknown))
pv.append(("aws_rds_cluster.primary", planned_resource("aws_rds_cluster.primary", m_after)))
# existing cluster that a new global cluster is created from
ex_before = state_values(cluster_after("inventory-prod", window=None))
ex_after = copy.deepcopy(ex_before)
rcs.append(resource_change("aws_rds_cluster.inventory", ["no-op"], ex_before, ex_after, {}))
pv.append(("aws_rds_cluster.inventory", planned_resource("aws_rds_cluster.inventory", ex_after)))
g2_after = dict(g_after, global_cluster_identifier="inventory-global", engine=None, engine_version=None,
                source_db_cluster_identifier=ex_before["arn"])
rcs.append(resource_change("aws_rds_global_cluster.inventory", ["create"], None, g2_after, dict(g_unknown, engine=True, engine_version=True)))
pv.append(("aws_rds_global_cluster.inventory", planned_resource("aws_rds_global_cluster.inventory", g2_after)))
# membership from a module output known only after apply
u_after = dict(sorted(cluster_after("payments-secondary", window=86400).items()))
u_unknown = created_unknown(u_after, extra=("global_cluster_identifier",))
rcs.append(resource_change("aws_rds_cluster.payments", ["create"], None, u_after, u_unknown))
pv.append(("aws_rds_cluster.payments", planned_resource("aws_rds_cluster.payments", u_after)))
cfg = {"resources": [
    config_resource("aws_rds_global_cluster.orders", {"deletion_protection": const(True), "engine": const("aurora-mysql"),
        "engine_version": const("8.0.mysql_aurora.3.08.0"), "global_cluster_identifier": const("orders-global"),
        "storage_encrypted": const(True)}),
    config_resource("aws_rds_cluster.primary", cluster_expr("orders-primary", window=86400,
        global_cluster_identifier=refs("aws_rds_global_cluster.orders.id", "aws_rds_global_cluster.orders"))),
    config_resource("aws_rds_cluster.inventory", cluster_expr("inventory-prod")),
    config_resource("aws_rds_global_cluster.inventory", {"deletion_protection": const(True),
        "force_destroy": const(True), "global_cluster_identifier": const("inventory-global"),
        "source_db_cluster_identifier": refs("aws_rds_cluster.inventory.arn", "aws_rds_cluster.inventory")}),
    config_resource("aws_rds_cluster.payments", cluster_expr("payments-secondary", window=86400,
        global_cluster_identifier=refs("module.global_db.global_cluster_id", "module.global_db"))),
], "module_calls": {"global_db": {"source": "app.terraform.io/example/global-db/aws", "version_constraint": "~> 2.1", "module": {}}}}
write("global_member.json", plan(rcs, pv, prior=[("aws_rds_cluster.inventory", planned_resource("aws_rds_cluster.inventory", ex_before))], config_root=cfg))

# 10. Serverless v2
after = cluster_after("events-prod", window=86400,
                      serverlessv2_scaling_configuration=[{"max_capacity": 16, "min_capacity": 0.5, "seconds_until_auto_pause": None}])
after = dict(sorted(after.items()))
u = created_unknown(after)
rcs = [resource_change("aws_rds_cluster.events", ["create"], None, after, u)]
pv = [("aws_rds_cluster.events", planned_resource("aws_rds_cluster.events", after))]
ia = {"apply_immediately": None, "auto_minor_version_upgrade": True, "engine": "aurora-mysql",
      "identifier": "events-prod-1", "instance_class": "db.serverless", "promotion_tier": 0,
      "publicly_accessible": False, "region": REGION, "tags": None, "timeouts": None}
rcs.append(resource_change("aws_rds_cluster_instance.events", ["create"], None, ia,
    {"arn": True, "cluster_identifier": True, "id": True, "endpoint": True, "tags_all": True, "writer": True}))
pv.append(("aws_rds_cluster_instance.events", planned_resource("aws_rds_cluster_instance.events", ia)))
write("serverless_v2.json", plan(rcs, pv, prior=[], config_root={"resources": [
    config_resource("aws_rds_cluster.events", cluster_expr("events-prod", window=86400,
        serverlessv2_scaling_configuration=[{"max_capacity": const(16), "min_capacity": const(0.5)}])),
    config_resource("aws_rds_cluster_instance.events", {"cluster_identifier": refs("aws_rds_cluster.events.id", "aws_rds_cluster.events"),
        "engine": refs("aws_rds_cluster.events.engine", "aws_rds_cluster.events"), "instance_class": const("db.serverless")}),
]}))

# 11. master_password written in the configuration (sensitive variable), update of an enabled cluster
PASSWORD = "Kumo-S3cr3t-Pa55w0rd-7f3a9c"
OLD_PASSWORD = "Old-Pa55w0rd-Legacy-41d2e8"
before = state_values(cluster_after("crm-prod", window=43200, manage_master_user_password=None, master_password=OLD_PASSWORD))
before["master_user_secret"] = []
after = copy.deepcopy(before); after["master_password"] = PASSWORD; after["backtrack_window"] = 86400
rc = resource_change("aws_rds_cluster.crm", ["update"], before, after, {})
write("master_password.json", plan([rc], [("aws_rds_cluster.crm", planned_resource("aws_rds_cluster.crm", after))],
    prior=[("aws_rds_cluster.crm", planned_resource("aws_rds_cluster.crm", before))],
    variables={"db_password": {"value": PASSWORD}},
    config_root={"resources": [config_resource("aws_rds_cluster.crm", dict(sorted(dict(cluster_expr("crm-prod", window=86400),
        master_password=refs("var.db_password")).items())))],
        "variables": {"db_password": {"description": "Master password", "sensitive": True}}}))

# 12. minified (as terraform show -json writes it): create without backtrack
after = dict(sorted(cluster_after("cart-prod", window=None).items()))
rc, pvr = create_plan("aws_rds_cluster.cart", after, None)
write("minified.json", plan([rc], [pvr], prior=[], config_root={"resources": [
    config_resource("aws_rds_cluster.cart", cluster_expr("cart-prod"))]}), minify=True)

# bad inputs
after = dict(sorted(cluster_after("wrongtype-prod", window="abc").items()))
rc, pvr = create_plan("aws_rds_cluster.wrong", after, None)
write("bad_window_type.json", plan([rc], [pvr], prior=[], config_root={"resources": [
    config_resource("aws_rds_cluster.wrong", cluster_expr("wrongtype-prod", window="abc"))]}))

p = plan([rc], [pvr], prior=[], config_root={})
p["format_version"] = "2.0"
write("bad_format_version.json", p)

state = {"format_version": "1.0", "terraform_version": TFV, "values": {"root_module": module_tree(
    [("aws_rds_cluster.billing", planned_resource("aws_rds_cluster.billing", state_values(cluster_after("billing-prod"))))])}}
write("bad_not_a_plan.json", state)

# truncated plan: cut inside the resource_changes
after = dict(sorted(cluster_after("trunc-prod", window=86400).items()))
rc, pvr = create_plan("aws_rds_cluster.trunc", after, None)
s = json.dumps(plan([rc], [pvr], prior=[], config_root={}), indent=2)
cut = s.index('"backtrack_window": 86400')
with open(os.path.join(OUT, "bad_truncated.json"), "w") as f:
    f.write(s[:cut + len('"backtrack_window": 86')])

# 13. enhanced binlog, zero-ETL and an engine version without backtrack
def pg_after(name, params, name_known=True):
    v = {"description": "Managed by Terraform", "family": "aurora-mysql8.0", "name": name if name_known else None,
         "name_prefix": None if name_known else name, "parameter": params, "region": REGION,
         "tags": None}
    return dict(sorted(v.items()))

def param(n, v):
    return {"apply_method": "pending-reboot", "name": n, "value": v}

rcs, pv = [], []
# a new parameter group with enhanced binlog, and a new cluster naming it by reference
g = pg_after("orders-enhanced-binlog", [param("aurora_enhanced_binlog", "1"), param("binlog_backup", "0"),
                                        param("binlog_replication_globaldb", "0")])
rcs.append(resource_change("aws_rds_cluster_parameter_group.binlog", ["create"], None, g,
    {"arn": True, "id": True, "parameter": [{}, {}, {}], "tags_all": True}))
pv.append(("aws_rds_cluster_parameter_group.binlog", planned_resource("aws_rds_cluster_parameter_group.binlog", g)))
o_after = dict(sorted(cluster_after("orders-prod", window=86400, db_cluster_parameter_group_name="orders-enhanced-binlog").items()))
o_unknown = created_unknown(o_after)
del o_unknown["db_cluster_parameter_group_name"]
rcs.append(resource_change("aws_rds_cluster.orders", ["create"], None, o_after, o_unknown))
pv.append(("aws_rds_cluster.orders", planned_resource("aws_rds_cluster.orders", o_after)))
# a group whose name is only known after apply (name_prefix), enhanced binlog off
p_after = pg_after("billing-", [param("aurora_enhanced_binlog", "0")], name_known=False)
rcs.append(resource_change("aws_rds_cluster_parameter_group.plain", ["create"], None, p_after,
    {"arn": True, "id": True, "name": True, "parameter": [{}], "tags_all": True}))
pv.append(("aws_rds_cluster_parameter_group.plain", planned_resource("aws_rds_cluster_parameter_group.plain", p_after)))
b_after = dict(sorted(cluster_after("billing-prod", window=86400).items()))
b_unknown = created_unknown(b_after)
rcs.append(resource_change("aws_rds_cluster.billing", ["create"], None, b_after, b_unknown))
pv.append(("aws_rds_cluster.billing", planned_resource("aws_rds_cluster.billing", b_after)))
# an existing cluster and its existing parameter group with enhanced binlog (no changes)
rp = pg_after("reporting-binlog", [param("aurora_enhanced_binlog", "1"), param("binlog_format", "ROW")])
rp_state = dict(rp, arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster-pg:reporting-binlog", id="reporting-binlog",
                tags_all={})
rcs.append(resource_change("aws_rds_cluster_parameter_group.reporting", ["no-op"], rp_state, rp_state, {}))
pv.append(("aws_rds_cluster_parameter_group.reporting", planned_resource("aws_rds_cluster_parameter_group.reporting", rp_state)))
r_before = state_values(cluster_after("reporting-prod", window=None))
r_before["db_cluster_parameter_group_name"] = "reporting-binlog"
rcs.append(resource_change("aws_rds_cluster.reporting", ["no-op"], r_before, copy.deepcopy(r_before), {}))
pv.append(("aws_rds_cluster.reporting", planned_resource("aws_rds_cluster.reporting", r_before)))
# a new cluster that a new zero-ETL integration reads from
i_after = dict(sorted(cluster_after("inventory-prod", window=None).items()))
rcs.append(resource_change("aws_rds_cluster.inventory", ["create"], None, i_after, created_unknown(i_after)))
pv.append(("aws_rds_cluster.inventory", planned_resource("aws_rds_cluster.inventory", i_after)))
integ = {"additional_encryption_context": None, "data_filter": None, "integration_name": "inventory-to-redshift",
         "kms_key_id": None, "region": REGION, "tags": None, "timeouts": None,
         "target_arn": f"arn:aws:redshift-serverless:{REGION}:{ACCOUNT}:namespace/11111111-2222-3333-4444-555555555555"}
rcs.append(resource_change("aws_rds_integration.inventory", ["create"], None, integ,
    {"arn": True, "id": True, "source_arn": True, "tags_all": True}))
pv.append(("aws_rds_integration.inventory", planned_resource("aws_rds_integration.inventory", integ)))
# Aurora MySQL 2.05: no backtrack
l_after = dict(sorted(cluster_after("legacy-prod", version="5.7.mysql_aurora.2.05.0", window=86400).items()))
rcs.append(resource_change("aws_rds_cluster.legacy", ["create"], None, l_after, created_unknown(l_after)))
pv.append(("aws_rds_cluster.legacy", planned_resource("aws_rds_cluster.legacy", l_after)))
cfg = {"resources": [
    config_resource("aws_rds_cluster_parameter_group.binlog", {"family": const("aurora-mysql8.0"), "name": const("orders-enhanced-binlog"),
        "parameter": [{"apply_method": const("pending-reboot"), "name": const("aurora_enhanced_binlog"), "value": const("1")},
                      {"apply_method": const("pending-reboot"), "name": const("binlog_backup"), "value": const("0")},
                      {"apply_method": const("pending-reboot"), "name": const("binlog_replication_globaldb"), "value": const("0")}]}),
    config_resource("aws_rds_cluster.orders", cluster_expr("orders-prod", window=86400,
        db_cluster_parameter_group_name=refs("aws_rds_cluster_parameter_group.binlog.name", "aws_rds_cluster_parameter_group.binlog"))),
    config_resource("aws_rds_cluster_parameter_group.plain", {"family": const("aurora-mysql8.0"), "name_prefix": const("billing-"),
        "parameter": [{"name": const("aurora_enhanced_binlog"), "value": const("0")}]}),
    config_resource("aws_rds_cluster.billing", cluster_expr("billing-prod", window=86400,
        db_cluster_parameter_group_name=refs("aws_rds_cluster_parameter_group.plain.name", "aws_rds_cluster_parameter_group.plain"))),
    config_resource("aws_rds_cluster_parameter_group.reporting", {"family": const("aurora-mysql8.0"), "name": const("reporting-binlog"),
        "parameter": [{"name": const("aurora_enhanced_binlog"), "value": const("1")}, {"name": const("binlog_format"), "value": const("ROW")}]}),
    config_resource("aws_rds_cluster.reporting", cluster_expr("reporting-prod", db_cluster_parameter_group_name=const("reporting-binlog"))),
    config_resource("aws_rds_cluster.inventory", cluster_expr("inventory-prod")),
    config_resource("aws_rds_integration.inventory", {"integration_name": const("inventory-to-redshift"),
        "source_arn": refs("aws_rds_cluster.inventory.arn", "aws_rds_cluster.inventory"),
        "target_arn": const(integ["target_arn"])}),
    config_resource("aws_rds_cluster.legacy", cluster_expr("legacy-prod", version="5.7.mysql_aurora.2.05.0", window=86400)),
]}
write("exclusions.json", plan(rcs, pv, prior=[
    ("aws_rds_cluster_parameter_group.reporting", planned_resource("aws_rds_cluster_parameter_group.reporting", rp_state)),
    ("aws_rds_cluster.reporting", planned_resource("aws_rds_cluster.reporting", r_before))], config_root=cfg))
