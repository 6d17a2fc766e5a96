package core

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindZone(t *testing.T) {
	tests := []struct {
		in, want string // want "" means not found
	}{
		{"america/port-au-prince", "America/Port-au-Prince"},
		{"AMERICA/PORT-AU-PRINCE", "America/Port-au-Prince"},
		{"America/Port-au-Prince", "America/Port-au-Prince"},
		{"europe/chisinau", "Europe/Chisinau"},
		{"utc", "UTC"},
		{"asia/ho_chi_minh", "Asia/Ho_Chi_Minh"},
		{"africa/dar_es_salaam", "Africa/Dar_es_Salaam"},
		{"europe/isle_of_man", "Europe/Isle_of_Man"},
		{"america/argentina/buenos_aires", "America/Argentina/Buenos_Aires"},
		{"america/blanc-sablon", "America/Blanc-Sablon"},
		{"etc/gmt+3", "Etc/GMT+3"},
		{"us/eastern", "US/Eastern"},
		{"est5edt", "EST5EDT"},
		{"antarctica/mcmurdo", "Antarctica/McMurdo"},
		{"america/knox_in", "America/Knox_IN"},
		{" europe/kyiv ", "Europe/Kyiv"},
		{"local", ""},
		{"Local", ""},
		{"localtime", ""},
		{"posixrules", ""},
		{"mars/olympus", ""},
		{"../etc/passwd", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			loc, ok := FindZone(tt.in)
			switch {
			case tt.want == "" && ok:
				t.Errorf("FindZone(%q) = %v, want none", tt.in, loc)
			case tt.want != "" && (!ok || loc.String() != tt.want):
				t.Errorf("FindZone(%q) = %v, %v; want %s", tt.in, loc, ok, tt.want)
			}
		})
	}
}

// TestFindZoneKnowsEveryName checks FindZone against the names of the
// system's tz database: every one must be found from its lower-case
// spelling, so that zoneOddNames lists every name zoneSpellings misses.
func TestFindZoneKnowsEveryName(t *testing.T) {
	const root = "/usr/share/zoneinfo"
	if _, err := os.Stat(root); err != nil {
		t.Skipf("no tz database at %s", root)
	}
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if name == "posix" || name == "right" {
				return filepath.SkipDir // the same names again
			}
			return nil
		}
		if strings.Contains(name, ".") || name == "localtime" || name == "posixrules" || !isTZif(path) {
			return nil
		}
		n++
		if loc, ok := FindZone(strings.ToLower(name)); !ok || loc.String() != name {
			t.Errorf("FindZone(%q) = %v, %v; want %s", strings.ToLower(name), loc, ok, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d zone names checked", n)
}

func isTZif(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = f.Read(magic[:])
	return err == nil && string(magic[:]) == "TZif"
}

func FuzzFindZone(f *testing.F) {
	for _, s := range []string{"europe/chisinau", "UTC", "america/port-au-prince", "etc/gmt-14", "Local", "a/b/c/d", "-_-/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		loc, ok := FindZone(s)
		if !ok {
			return
		}
		if !strings.EqualFold(loc.String(), strings.TrimSpace(s)) || loc.String() == "Local" {
			t.Fatalf("FindZone(%q) = %s", s, loc)
		}
	})
}
