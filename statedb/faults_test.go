package statedb_test

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgsync/orgsync/internal/pgtest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/statedb"
)

// fillModel applies n of the child's registrations to a model on db.
func fillModel(t *testing.T, db *statedb.DB, n int) *om.Model {
	t.Helper()
	return fillStore(t, db.Model(), n)
}

func fillStore(t *testing.T, s om.Store, n int) *om.Model {
	t.Helper()
	m, err := om.Open(ctx, om.Options{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(m.Registrations(1)); i < n; i++ {
		if _, err := m.Apply(ctx, childChange(i), om.Registration{Time: time.Now(), Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// wantErr checks that err is of kind and names where.
func wantErr(t *testing.T, err, kind error, where string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
	if !strings.Contains(err.Error(), where) {
		t.Fatalf("error %q does not name %s", err, where)
	}
}

func TestKeyRequired(t *testing.T) {
	dsn := sqliteURL(t)
	path := strings.TrimPrefix(dsn, "sqlite:")
	_, err := statedb.Open(ctx, dsn, statedb.Options{})
	wantErr(t, err, statedb.ErrKey, path)
	if !strings.Contains(err.Error(), statedb.KeyEnv) {
		t.Errorf("the error does not say where a key comes from: %v", err)
	}
	db := openDB(t, dsn, statedb.Options{})
	fillModel(t, db, 2)
	db.Close()
	other := mustKey(statedb.GenerateKey())
	_, err = statedb.Open(ctx, dsn, statedb.Options{Key: other})
	wantErr(t, err, statedb.ErrKey, path)
	if strings.Contains(err.Error(), testKeyText) {
		t.Fatal("the error holds the key")
	}
	// The right key still opens it, with everything there.
	db = openDB(t, dsn, statedb.Options{})
	if m := fillModel(t, db, 0); len(m.Registrations(1)) != 2 {
		t.Fatalf("%d registrations after reopening, want 2", len(m.Registrations(1)))
	}
}

func TestParseKey(t *testing.T) {
	good := statedb.GenerateKey()
	for _, text := range []string{good, " " + good + "\n", strings.Repeat("ab", statedb.KeySize)} {
		if _, err := statedb.ParseKey([]byte(text)); err != nil {
			t.Errorf("ParseKey(%q): %v", text, err)
		}
	}
	for _, text := range []string{"", "short", good[:20], strings.Repeat("ab", statedb.KeySize-1), "zz" + strings.Repeat("ab", statedb.KeySize-1)} {
		_, err := statedb.ParseKey([]byte(text))
		if !errors.Is(err, statedb.ErrKey) {
			t.Errorf("ParseKey(%q) = %v, want ErrKey", text, err)
		}
		if text != "" && err != nil && strings.Contains(err.Error(), text) {
			t.Errorf("the error holds the text: %v", err)
		}
	}
	t.Setenv("ORGSYNC_TEST_KEY", good)
	if _, err := statedb.KeyFromEnv("ORGSYNC_TEST_KEY"); err != nil {
		t.Error(err)
	}
	if _, err := statedb.KeyFromEnv("ORGSYNC_TEST_NO_SUCH_KEY"); !errors.Is(err, statedb.ErrKey) {
		t.Errorf("KeyFromEnv of an unset variable: %v", err)
	}
	file := filepath.Join(t.TempDir(), "key")
	os.WriteFile(file, []byte(good+"\n"), 0o600)
	if _, err := statedb.KeyFromFile(file); err != nil {
		t.Error(err)
	}
	if _, err := statedb.KeyFromFile(file + ".missing"); !errors.Is(err, statedb.ErrKey) {
		t.Errorf("KeyFromFile of a missing file: %v", err)
	}
}

// TestNoNationalIDInFile commits persons with CPR numbers and checks that
// the database files (main, WAL) hold none of them, in either form, as
// `strings` would show them or anywhere in the bytes.
func TestNoNationalIDInFile(t *testing.T) {
	dsn := sqliteURL(t)
	path := strings.TrimPrefix(dsn, "sqlite:")
	db := openDB(t, dsn, statedb.Options{CheckpointEvery: 5})
	m := fillModel(t, db, 40)
	var cprs []om.CPR
	for o := range m.Latest().All(om.KindPerson) {
		cprs = append(cprs, o.Timeline.Span(0).Value.(om.PersonAttrs).NationalID)
	}
	if len(cprs) != 40 {
		t.Fatalf("%d persons", len(cprs))
	}
	// The lookup works without decrypting anything.
	ids, err := db.Model().PersonsByNationalID(ctx, cprs[7])
	if err != nil || len(ids) != 1 {
		t.Fatalf("PersonsByNationalID = %v, %v", ids, err)
	}
	if p, _ := m.Latest().PersonByNationalID(cprs[7]); p != ids[0] {
		t.Fatalf("PersonsByNationalID found %v, the model %v", ids[0], p)
	}
	if _, err := db.Model().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var dump []byte
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err == nil {
			dump = append(dump, b...)
		}
	}
	if out, err := exec.Command("strings", "-n", "6", path).Output(); err == nil {
		dump = append(dump, out...)
	} else {
		t.Logf("no strings(1) here (%v); the bytes themselves are searched", err)
	}
	for _, c := range cprs {
		digits := c.Reveal()
		for _, form := range []string{digits, digits[:6] + "-" + digits[6:]} {
			if bytes.Contains(dump, []byte(form)) {
				t.Fatalf("the database file holds a national id in clear text (%s)", c)
			}
		}
	}
	if !bytes.Contains(dump, []byte("Ørsted 7")) {
		t.Fatal("the search found no names either: it searched the wrong bytes")
	}
}

// TestNewerSchemaRefused opens a database that claims a core schema newer
// than this orgsync knows, on both dialects.
func TestNewerSchemaRefused(t *testing.T) {
	for _, dsn := range []string{sqliteURL(t), pgtest.DSN(t)} {
		db := openDB(t, dsn, statedb.Options{})
		err := db.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO orgsync_schema (module, version, name, applied_at) VALUES ('core', 99, '0099_future', '2030-01-01T00:00:00Z')`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		_, err = statedb.Open(ctx, dsn, statedb.Options{Key: testKey})
		wantErr(t, err, statedb.ErrNewerSchema, db.String())
		if !strings.Contains(err.Error(), "version 99") {
			t.Fatalf("the error does not say which version: %v", err)
		}
	}
}

// TestUpgradeFromFirstSchema writes a model with the first schema only,
// then opens it with the current one: the data is all there, and the
// later migrations' features (checkpoints) work.
func TestUpgradeFromFirstSchema(t *testing.T) {
	for _, dsn := range []string{sqliteURL(t), pgtest.DSN(t)} {
		old, err := statedb.OpenAtSchema(ctx, dsn, statedb.Options{Key: testKey, CheckpointEvery: -1}, 1)
		if err != nil {
			t.Fatal(err)
		}
		// The first schema's store had no checkpoints to load from:
		// hide LoadState, so the model loads as it did then.
		fillStore(t, struct{ om.Store }{old.Model()}, 10)
		links, err := old.Links(ctx, "kommune.dk")
		if err != nil {
			t.Fatal(err)
		}
		links.Set(uuidFor(1), "guid-1", "CN=a,DC=kommune,DC=dk")
		var have int
		old.Read(ctx, func(tx *sql.Tx) error {
			return tx.QueryRow(`SELECT COUNT(*) FROM orgsync_schema WHERE module = 'core'`).Scan(&have)
		})
		if have != 1 {
			t.Fatalf("the old database is at core version %d, want 1", have)
		}
		old.Close()

		db := openDB(t, dsn, statedb.Options{CheckpointEvery: 3})
		m := fillModel(t, db, 20)
		if n := len(m.Registrations(1)); n != 20 {
			t.Fatalf("%d registrations after the upgrade, want 20", n)
		}
		if _, err := db.Model().Checkpoint(ctx); err != nil {
			t.Fatalf("checkpoint after the upgrade: %v", err)
		}
		links, err = db.Links(ctx, "kommune.dk")
		if err != nil {
			t.Fatal(err)
		}
		if id, ok := links.Link(uuidFor(1)); !ok || id != "guid-1" {
			t.Fatalf("a link from before the upgrade: %v %v", id, ok)
		}
		db.Close()
		db = openDB(t, dsn, statedb.Options{})
		if m := fillModel(t, db, 0); len(m.Registrations(1)) != 20 {
			t.Fatalf("%d registrations loaded through the checkpoint, want 20", len(m.Registrations(1)))
		}
	}
}

// TestSecondWriterRefused: a SQLite database serves one host, and says so
// to a second opener in the same process and in another.
func TestSecondWriterRefused(t *testing.T) {
	dsn := sqliteURL(t)
	path := strings.TrimPrefix(dsn, "sqlite:")
	db := openDB(t, dsn, statedb.Options{})
	_, err := statedb.Open(ctx, dsn, statedb.Options{Key: testKey})
	wantErr(t, err, statedb.ErrInUse, path)
	if !strings.Contains(err.Error(), "process "+strconv.Itoa(os.Getpid())) {
		t.Errorf("the error does not name the process that holds it: %v", err)
	}
	c := startChild(t, "commit", dsn, "second")
	if code := c.exitCode(); code != 2 {
		t.Fatalf("a second process opened the database: exit %d", code)
	}
	// Lead on SQLite returns at once: the lock is the lease.
	lctx, err := db.Lead(ctx)
	if err != nil || lctx.Err() != nil {
		t.Fatalf("Lead on SQLite: %v", err)
	}
	db.Close()
	if lctx.Err() == nil {
		t.Fatal("the leadership outlived Close")
	}
	// Closing released it.
	openDB(t, dsn, statedb.Options{})
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	open := func(path string) error {
		db, err := statedb.Open(ctx, "sqlite:"+path, statedb.Options{Key: testKey})
		if err == nil {
			// Damage may show only when the pages are read.
			_, err = om.Open(ctx, om.Options{Store: db.Model()})
			db.Close()
		}
		return err
	}
	t.Run("NotADatabase", func(t *testing.T) {
		p := write("notes.db", []byte("Dette er ikke en database, men en huskeseddel.\n"+strings.Repeat("x", 200)))
		wantErr(t, open(p), statedb.ErrCorrupt, p)
	})
	t.Run("ShortFile", func(t *testing.T) {
		p := write("short.db", []byte("SQLite format 3\x00\x10\x00"))
		wantErr(t, open(p), statedb.ErrCorrupt, p)
	})
	t.Run("Directory", func(t *testing.T) {
		p := filepath.Join(dir, "adir")
		os.Mkdir(p, 0o755)
		wantErr(t, open(p), statedb.ErrInvalid, p)
	})
	t.Run("NoDirectory", func(t *testing.T) {
		p := filepath.Join(dir, "missing", "orgsync.db")
		wantErr(t, open(p), statedb.ErrStorage, p)
	})
	// A real database, then damaged copies of it.
	good := filepath.Join(dir, "good.db")
	db := openDB(t, "sqlite:"+good, statedb.Options{CheckpointEvery: -1})
	fillModel(t, db, 60)
	db.Close()
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(good + "-wal"); err == nil {
		if st, _ := os.Stat(good + "-wal"); st.Size() > 0 {
			t.Fatal("the WAL was not checkpointed into the file at close")
		}
	}
	t.Run("Truncated", func(t *testing.T) {
		p := write("truncated.db", orig[:len(orig)/2])
		wantErr(t, open(p), statedb.ErrCorrupt, p)
	})
	t.Run("DamagedPages", func(t *testing.T) {
		// Overwrite the second half with garbage: the pages holding the
		// commits' blobs or the b-tree pointing at them.
		b := bytes.Clone(orig)
		for i := len(b) / 2; i < len(b); i++ {
			b[i] = byte(i*7 + 3)
		}
		p := write("damaged.db", b)
		wantErr(t, open(p), statedb.ErrCorrupt, p)
	})
}

// TestDiskFull fills the database up: with a size-limited tmpfs where this
// process may mount one, and always with SQLite's own limit on the file's
// pages, which fails writes exactly as a full disk does (SQLITE_FULL).
// The commit that does not fit is refused, the model does not advance
// past what is stored, and the database opens afterwards with what was
// acknowledged.
func TestDiskFull(t *testing.T) {
	t.Run("PageLimit", func(t *testing.T) {
		dsn := sqliteURL(t)
		db := openDB(t, dsn, statedb.Options{CheckpointEvery: -1})
		m := fillModel(t, db, 5)
		if err := db.WriterExec(ctx, "PRAGMA max_page_count = 1"); err != nil {
			t.Fatal(err)
		}
		testFull(t, db, m, dsn, strings.TrimPrefix(dsn, "sqlite:"))
	})
	t.Run("Tmpfs", func(t *testing.T) {
		dir := t.TempDir()
		if os.Geteuid() != 0 {
			t.Log("not root: no tmpfs to mount; the page limit stands in")
			return
		}
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir).CombinedOutput(); err != nil {
			t.Logf("cannot mount a tmpfs here (%v: %s); the page limit stands in", err, bytes.TrimSpace(out))
			return
		}
		defer exec.Command("umount", "-l", dir).Run()
		dsn := "sqlite:" + filepath.Join(dir, "orgsync.db")
		db := openDB(t, dsn, statedb.Options{CheckpointEvery: -1})
		m := fillModel(t, db, 5)
		// Fill the rest of the file system.
		filler, _ := os.Create(filepath.Join(dir, "filler"))
		filler.Write(make([]byte, 1<<20))
		filler.Close()
		testFull(t, db, m, dsn, filepath.Join(dir, "orgsync.db"))
	})
}

func testFull(t *testing.T, db *statedb.DB, m *om.Model, dsn, path string) {
	t.Helper()
	before := len(m.Registrations(1))
	var err error
	for i := before; i < before+200 && err == nil; i++ {
		_, err = m.Apply(ctx, childChange(i), om.Registration{Time: time.Now(), Actor: "test"})
	}
	wantErr(t, err, statedb.ErrStorage, path)
	stored := len(m.Registrations(1))
	db.Close()
	db = openDB(t, dsn, statedb.Options{})
	m2 := fillModel(t, db, 0)
	if n := len(m2.Registrations(1)); n != stored {
		t.Fatalf("the model had %d registrations when the disk filled, the database %d", stored, n)
	}
}

// TestReadOnlyDirectory opens a database in a directory the process may
// not write. Root may write anywhere, so as root the test runs the open
// in a child process as the nobody user.
func TestReadOnlyDirectory(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o555)
	path := filepath.Join(dir, "orgsync.db")
	if os.Geteuid() != 0 {
		_, err := statedb.Open(ctx, "sqlite:"+path, statedb.Options{Key: testKey})
		wantErr(t, err, statedb.ErrStorage, path)
		return
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Fatal("no nobody user to run as: ", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	// nobody must be able to run a copy of the test binary, and pass
	// through the directory's parents.
	os.Chmod(filepath.Dir(dir), 0o755)
	bin := filepath.Join(t.TempDir(), "statedb.test")
	os.Chmod(filepath.Dir(bin), 0o755)
	if b, err := os.ReadFile(os.Args[0]); err != nil || os.WriteFile(bin, b, 0o755) != nil {
		t.Fatalf("copying the test binary: %v", err)
	}
	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=commit", childDSN+"=sqlite:"+path, childKey+"="+testKeyText)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 2 {
		t.Fatalf("the child as nobody: %v, stderr %s", err, stderr.String())
	}
	msg := stderr.String()
	if !strings.Contains(msg, path) || !strings.Contains(msg, "cannot write the database") {
		t.Fatalf("the error does not say the file cannot be written: %s", msg)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("a database file appeared in the read-only directory")
	}
}
