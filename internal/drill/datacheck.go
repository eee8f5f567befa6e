package drill

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/go-sql-driver/mysql"

	"github.com/kumoguard/kumoguard/internal/drill/evidence"
)

// Environment variables with the data check's database credentials. They
// are read, used for the connection and never printed, logged or stored.
const (
	EnvDBUser     = "KUMOGUARD_DRILL_DB_USER"
	EnvDBPassword = "KUMOGUARD_DRILL_DB_PASSWORD"
)

// Database authentication modes of the data check.
const (
	DBAuthAuto   = "auto"   // the environment when it has a password, else the source's Secrets Manager secret
	DBAuthEnv    = "env"    // KUMOGUARD_DRILL_DB_USER / KUMOGUARD_DRILL_DB_PASSWORD
	DBAuthSecret = "secret" // the source cluster's MasterUserSecret
	DBAuthIAM    = "iam"    // an RDS IAM authentication token
)

// MarkerSchema and MarkerTable hold the marker row the drill writes on the
// clone (never on the source).
const (
	MarkerSchema = "kumoguard_drill"
	MarkerTable  = "marker"
)

// DBOptions say how the data check reaches the clone's database.
type DBOptions struct {
	// Endpoint overrides the clone's writer endpoint (host:port), for tests
	// against a local server; empty uses the clone's endpoint.
	Endpoint string
	// Auth is one of DBAuthAuto (default), DBAuthEnv, DBAuthSecret, DBAuthIAM.
	Auth string
	// TLS is the MySQL driver's tls setting (default "preferred"; IAM
	// authentication needs TLS, which Aurora offers).
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.Connecting.html
	TLS string
}

// credentials returns the user and password (or IAM token) for host:port.
// They are used for the connection only: never printed, logged or stored.
func (r *runner) credentials(ctx context.Context, endpoint string) (user, pass string, cleartext bool, err error) {
	o := r.o.DB
	mode := firstNonEmpty(o.Auth, DBAuthAuto)
	envUser, envPass := os.Getenv(EnvDBUser), os.Getenv(EnvDBPassword)
	if mode == DBAuthAuto {
		switch {
		case envPass != "":
			mode = DBAuthEnv
		case r.plan.Source.MasterUserSecretARN != "":
			mode = DBAuthSecret
		default:
			return "", "", false, fmt.Errorf("no database credentials: set %s (and %s), or use --db-auth iam; the source has no Secrets Manager master user secret", EnvDBPassword, EnvDBUser)
		}
	}
	switch mode {
	case DBAuthEnv:
		if envPass == "" {
			return "", "", false, fmt.Errorf("%s is not set", EnvDBPassword)
		}
		return firstNonEmpty(envUser, r.plan.Source.MasterUsername), envPass, false, nil
	case DBAuthSecret:
		// The clone shares the source's data, its users included, so the
		// source's managed master password opens it.
		// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html
		arn := r.plan.Source.MasterUserSecretARN
		if arn == "" {
			return "", "", false, errors.New("the source cluster has no MasterUserSecret")
		}
		out, err := secretsmanager.NewFromConfig(r.cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
		if err != nil {
			return "", "", false, fmt.Errorf("secretsmanager:GetSecretValue of the master user secret: %w", err)
		}
		var s struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}
		if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &s); err != nil || s.Password == "" {
			return "", "", false, errors.New("the master user secret has no username/password JSON")
		}
		return firstNonEmpty(envUser, s.Username, r.plan.Source.MasterUsername), s.Password, false, nil
	case DBAuthIAM:
		// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.Connecting.Go.html
		user = firstNonEmpty(envUser, r.plan.Source.MasterUsername)
		tok, err := auth.BuildAuthToken(ctx, endpoint, r.cfg.Region, user, r.cfg.Credentials)
		if err != nil {
			return "", "", false, fmt.Errorf("building the RDS IAM authentication token: %w", err)
		}
		return user, tok, true, nil
	}
	return "", "", false, fmt.Errorf("unknown --db-auth %q (auto, env, secret or iam)", mode)
}

// openDB connects to the clone's writer (a fresh pool each time: a backtrack
// closes every open connection).
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html
func (r *runner) openDB(ctx context.Context) (*sql.DB, error) {
	endpoint := r.o.DB.Endpoint
	if endpoint == "" {
		if r.cloneEndpoint == "" {
			return nil, errors.New("the clone reports no endpoint")
		}
		endpoint = net.JoinHostPort(r.cloneEndpoint, strconv.Itoa(int(r.clonePort)))
	}
	user, pass, cleartext, err := r.credentials(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	c := mysql.NewConfig()
	c.User, c.Passwd, c.Net, c.Addr = user, pass, "tcp", endpoint
	c.TLSConfig = firstNonEmpty(r.o.DB.TLS, "preferred")
	c.AllowCleartextPasswords = cleartext
	c.ParseTime, c.Loc = true, time.UTC
	c.Timeout, c.ReadTimeout, c.WriteTimeout = 10*time.Second, time.Minute, time.Minute
	conn, err := mysql.NewConnector(c)
	if err != nil {
		return nil, fmt.Errorf("database connection settings: %w", err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to the clone's database at %s as %s: %w", endpoint, user, err)
	}
	return db, nil
}

var tableName = regexp.MustCompile(`^([A-Za-z0-9_$]+)\.([A-Za-z0-9_$]+)$`)

// ParseTables checks --tables: schema.table names only.
func ParseTables(list []string) ([]string, error) {
	var out []string
	for _, t := range list {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if !tableName.MatchString(t) {
			return nil, fmt.Errorf("table %q: name it schema.table (letters, digits, _ and $)", t)
		}
		out = append(out, t)
	}
	return out, nil
}

func quoteTable(t string) string {
	m := tableName.FindStringSubmatch(t)
	return "`" + m[1] + "`.`" + m[2] + "`"
}

// fingerprint is the row count and CHECKSUM TABLE of each table.
// https://dev.mysql.com/doc/refman/8.0/en/checksum-table.html
func fingerprint(ctx context.Context, db *sql.DB, tables []string) (rows []int64, sums []string, err error) {
	for _, t := range tables {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteTable(t)).Scan(&n); err != nil {
			return nil, nil, fmt.Errorf("counting rows of %s: %w", t, err)
		}
		var name string
		var sum sql.NullInt64
		if err := db.QueryRowContext(ctx, "CHECKSUM TABLE "+quoteTable(t)).Scan(&name, &sum); err != nil {
			return nil, nil, fmt.Errorf("CHECKSUM TABLE %s: %w", t, err)
		}
		if !sum.Valid {
			return nil, nil, fmt.Errorf("CHECKSUM TABLE %s: no checksum (does the table exist?)", t)
		}
		rows = append(rows, n)
		sums = append(sums, strconv.FormatInt(sum.Int64, 10))
	}
	return rows, sums, nil
}

// prepareMarker creates the marker table (before the backtrack target, so
// the backtrack removes only the row).
func prepareMarker(ctx context.Context, db *sql.DB) error {
	for _, q := range []string{
		"CREATE DATABASE IF NOT EXISTS `" + MarkerSchema + "`",
		"CREATE TABLE IF NOT EXISTS `" + MarkerSchema + "`.`" + MarkerTable + "` (drill_id VARCHAR(64) NOT NULL PRIMARY KEY, written_at DATETIME(6) NOT NULL)",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("creating %s.%s: %w", MarkerSchema, MarkerTable, err)
		}
	}
	return nil
}

// dbNow is the database server's clock (UTC): the backtrack target is
// taken from the same clock as the marker's commit time.
func dbNow(ctx context.Context, db *sql.DB) (time.Time, error) {
	var t time.Time
	if err := db.QueryRowContext(ctx, "SELECT UTC_TIMESTAMP(6)").Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("reading the database clock: %w", err)
	}
	return t.UTC(), nil
}

// writeMarker inserts the drill's marker row (autocommit) and returns its
// commit time as the database recorded it.
func writeMarker(ctx context.Context, db *sql.DB, drillID string) (time.Time, error) {
	if _, err := db.ExecContext(ctx, "INSERT INTO `"+MarkerSchema+"`.`"+MarkerTable+"` (drill_id, written_at) VALUES (?, UTC_TIMESTAMP(6))", drillID); err != nil {
		return time.Time{}, fmt.Errorf("writing the marker row: %w", err)
	}
	var t time.Time
	if err := db.QueryRowContext(ctx, "SELECT written_at FROM `"+MarkerSchema+"`.`"+MarkerTable+"` WHERE drill_id = ?", drillID).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("reading the marker row back: %w", err)
	}
	return t.UTC(), nil
}

// markerPresent tells whether the marker row exists; a missing table or
// schema (rewound away) means it does not.
func markerPresent(ctx context.Context, db *sql.DB, drillID string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM `"+MarkerSchema+"`.`"+MarkerTable+"` WHERE drill_id = ?", drillID).Scan(&n)
	var me *mysql.MySQLError
	if errors.As(err, &me) && (me.Number == 1146 || me.Number == 1049) { // no such table / database
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("looking for the marker row: %w", err)
	}
	return n > 0, nil
}

// newDataCheck starts the evidence record of the data check.
func newDataCheck(tables []string) *evidence.DataCheck {
	dc := &evidence.DataCheck{Mode: DataCheckMarker, Tables: []evidence.TableFingerprint{}}
	for _, t := range tables {
		dc.Tables = append(dc.Tables, evidence.TableFingerprint{Table: t})
	}
	return dc
}
