package testenv

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// MariaDB is a MariaDB server started for one test (Debian's mariadb-server:
// mariadb-install-db and mariadbd), on a free loopback port, with its data
// in a temporary directory. User root has Password.
type MariaDB struct {
	Addr     string // 127.0.0.1:port
	User     string
	Password string
	cmd      *exec.Cmd
	socket   string
}

// MariaDBBinaries are where Debian's mariadb-server installs the server.
var MariaDBBinaries = struct{ Server, InstallDB string }{"/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db"}

// StartMariaDB starts a MariaDB server for t and stops it (and removes its
// data) when t ends. It skips t when the server is not installed. Run as
// root, the server runs as the mysql user (or nobody): mariadbd refuses to
// run as root.
func StartMariaDB(t testing.TB) *MariaDB {
	t.Helper()
	for _, b := range []string{MariaDBBinaries.Server, MariaDBBinaries.InstallDB} {
		if _, err := os.Stat(b); err != nil {
			t.Skipf("MariaDB is not installed (%s missing; apt-get install mariadb-server): skipping the database test", b)
		}
	}
	dir, err := os.MkdirTemp("", "kg-mariadb-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var runAs []string
	if os.Geteuid() == 0 {
		name := "mysql"
		u, err := user.Lookup(name)
		if err != nil {
			name = "nobody"
			if u, err = user.Lookup(name); err != nil {
				t.Skip("running as root and neither a mysql nor a nobody user exists to run mariadbd as")
			}
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		runAs = []string{"--user=" + name}
	}
	data := filepath.Join(dir, "data")
	install := exec.Command(MariaDBBinaries.InstallDB, append([]string{"--no-defaults", "--datadir=" + data,
		"--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"}, runAs...)...)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--no-defaults", "--datadir=" + data, "--bind-address=127.0.0.1", "--port=" + port,
		"--socket=" + filepath.Join(dir, "mysqld.sock"), "--pid-file=" + filepath.Join(dir, "mysqld.pid"),
		"--skip-name-resolve", "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M",
		"--skip-log-bin", "--log-error=" + filepath.Join(dir, "error.log")}, runAs...)
	cmd := exec.Command(MariaDBBinaries.Server, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mariadbd: %v", err)
	}
	m := &MariaDB{Addr: "127.0.0.1:" + port, User: "root", cmd: cmd, socket: filepath.Join(dir, "mysqld.sock")}
	t.Cleanup(m.stop)
	// Ready when root connects over the socket (no password yet); then root
	// gets a password and a TCP login from 127.0.0.1.
	deadline := time.Now().Add(60 * time.Second)
	for {
		db, err := m.openSocket()
		if err == nil {
			err = db.Ping()
			if err == nil {
				m.Password = "kg-test-" + strconv.FormatInt(time.Now().UnixNano(), 36)
				_, err = db.Exec("ALTER USER 'root'@'localhost' IDENTIFIED BY '" + m.Password + "'")
				if err == nil {
					_, err = db.Exec("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '" + m.Password + "'")
				}
				if err == nil {
					_, err = db.Exec("ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '" + m.Password + "'")
				}
				if err == nil {
					_, err = db.Exec("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION")
				}
				db.Close()
				if err != nil {
					t.Fatalf("MariaDB setup: %v", err)
				}
				return m
			}
			db.Close()
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("mariadbd on %s not ready in 60 s: %v\n%s", m.Addr, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (m *MariaDB) openSocket() (*sql.DB, error) {
	c := mysql.NewConfig()
	c.User, c.Net, c.Addr = "root", "unix", m.socket
	c.Timeout = 2 * time.Second
	conn, err := mysql.NewConnector(c)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(conn), nil
}

func (m *MariaDB) open(pass string) (*sql.DB, error) {
	c := mysql.NewConfig()
	c.User, c.Passwd, c.Net, c.Addr = m.User, pass, "tcp", m.Addr
	c.ParseTime, c.Loc = true, time.UTC
	c.Timeout = 2 * time.Second
	conn, err := mysql.NewConnector(c)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(conn), nil
}

// DB returns a connection pool as root (closed when t ends).
func (m *MariaDB) DB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := m.open(m.Password)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	return db
}

func (m *MariaDB) stop() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	m.cmd = nil
}

// String never shows the password.
func (m *MariaDB) String() string { return fmt.Sprintf("MariaDB at %s", m.Addr) }
