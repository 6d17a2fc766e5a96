package content

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// article returns the JSON fields of a valid article; tests change or
// delete fields to make it invalid.
func article(id string) map[string]any {
	return map[string]any{
		"id":        id,
		"lang":      "ro",
		"section":   "economy",
		"title":     "Exporturile de vin au crescut cu 7,5%",
		"lead":      "Cele mai multe sticle au plecat în România și Polonia.",
		"body":      []string{"Primul paragraf.", "Al doilea paragraf."},
		"published": "2026-11-24T10:15:00+02:00",
	}
}

// with returns a copy of a with the given fields set; a nil value deletes
// the field.
func with(a map[string]any, kv ...any) map[string]any {
	b := maps.Clone(a)
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(b, kv[i].(string))
		} else {
			b[kv[i].(string)] = kv[i+1]
		}
	}
	return b
}

// oneLine encodes articles as a JSON array on a single line, so every
// problem is on line 1.
func oneLine(t testing.TB, articles ...map[string]any) *fstest.MapFile {
	t.Helper()
	data, err := json.Marshal(articles)
	if err != nil {
		t.Fatal(err)
	}
	return &fstest.MapFile{Data: data}
}

func raw(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// problems splits an error made by errors.Join into its messages.
func problems(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var msgs []string
		for _, e := range j.Unwrap() {
			msgs = append(msgs, problems(e)...)
		}
		return msgs
	}
	return []string{err.Error()}
}

func TestLoadDirErrors(t *testing.T) {
	ok := article("w1ro")
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []string // each problem, in order
	}{
		{
			name:  "published missing",
			files: fstest.MapFS{"content/foo.json": oneLine(t, ok, with(article("w1ru"), "published", nil))},
			want:  []string{`content/foo.json:1: article 2 ("w1ru"): field "published": missing`},
		},
		{
			name:  "published null",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "published", json.RawMessage("null")))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "published": missing`},
		},
		{
			name:  "published zero time",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "published", "0001-01-01T00:00:00Z"))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "published": missing (the zero time)`},
		},
		{
			name:  "published not RFC 3339",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "published", "24.11.2026 10:15"))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "published": "24.11.2026 10:15" is not an RFC 3339 time (such as "2026-11-24T10:15:00+02:00")`},
		},
		{
			name:  "published without offset",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "published", "2026-11-24T10:15:00"))},
			want:  []string{`field "published": "2026-11-24T10:15:00" is not an RFC 3339 time`},
		},
		{
			name:  "published a number",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "published", 1764000000))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "published": want an RFC 3339 time string, got a number`},
		},
		{
			name:  "updated before published",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "updated", "2026-11-24T10:00:00+02:00"))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "updated": 2026-11-24T10:00:00+02:00 is before published 2026-11-24T10:15:00+02:00`},
		},
		{
			name:  "id with a space",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "id", "x y"))},
			want:  []string{`a.json:1: article 1: field "id": "x y" is not a valid ID (letters, digits, '-', '_', at most 32)`},
		},
		{
			name:  "id too long",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "id", strings.Repeat("a", 33)))},
			want:  []string{`field "id": "` + strings.Repeat("a", 33) + `" is not a valid ID`},
		},
		{
			name:  "id missing",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "id", nil))},
			want:  []string{`a.json:1: article 1: field "id": missing`},
		},
		{
			name:  "id a number",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "id", 7))},
			want:  []string{`a.json:1: article 1: field "id": want a string, got a number`},
		},
		{
			name:  "lang not lowercase",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "lang", "RO"))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "lang": "RO" is not a language code (2 or 3 lowercase letters, such as "ro")`},
		},
		{
			name:  "lang a name",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "lang", "romanian"))},
			want:  []string{`field "lang": "romanian" is not a language code`},
		},
		{
			name:  "section capitalized",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "section", "Economy"))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "section": "Economy" is not a valid section (lowercase letters, digits, '-', '_', at most 32)`},
		},
		{
			name:  "title blank",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "title", "  "))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "title": blank`},
		},
		{
			name:  "title two lines",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "title", "Vin\nexport"))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "title": must be one line`},
		},
		{
			name:  "lead missing",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "lead", nil))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "lead": missing`},
		},
		{
			name:  "body missing",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "body", nil))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "body": missing`},
		},
		{
			name:  "body a string",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "body", "Primul paragraf."))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "body": want an array of strings, got a string`},
		},
		{
			name:  "body empty",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "body", []string{}))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "body": empty array`},
		},
		{
			name:  "body blank paragraph",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "body", []string{"Primul.", " "}))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "body": item 2 is blank`},
		},
		{
			name:  "tags blank",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "tags", []string{""}))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "tags": item 1 is blank`},
		},
		{
			name:  "tags an object",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "tags", map[string]int{"vin": 1}))},
			want:  []string{`field "tags": want an array of strings, got an object`},
		},
		{
			name:  "author a number",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "author", 5))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "author": want a string, got a number`},
		},
		{
			name:  "url relative",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "url", "/ro/vin"))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "url": "/ro/vin" is not an absolute http or https URL`},
		},
		{
			name:  "url ftp",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "url", "ftp://newsbot.example/ro/vin"))},
			want:  []string{`field "url": "ftp://newsbot.example/ro/vin" is not an absolute http or https URL`},
		},
		{
			name:  "group invalid",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "group", "vin export"))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "group": "vin export" is not a valid group (letters, digits, '-', '_', at most 32)`},
		},
		{
			name:  "version zero",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "version", 0))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "version": 0 is less than 1`},
		},
		{
			name:  "version a fraction",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "version", 1.5))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "version": want a whole number, got a number`},
		},
		{
			name:  "version a string",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "version", "2"))},
			want:  []string{`field "version": want a whole number, got a string`},
		},
		{
			name:  "unknown field",
			files: fstest.MapFS{"a.json": oneLine(t, with(ok, "publshed", "2026-11-24T10:15:00+02:00"))},
			want:  []string{`a.json:1: article 1 ("w1ro"): field "publshed": unknown field (known: id, lang, section, title, lead, body, author, translator, url, published, updated, tags, group, version, image)`},
		},
		{
			name: "field given twice",
			files: fstest.MapFS{"a.json": raw(`[{"id": "w1ro", "lang": "ro", "section": "economy", "title": "T",
"lead": "L", "body": ["P"], "published": "2026-11-24T10:15:00+02:00",
"title": "Again"}]`)},
			want: []string{`a.json:1: article 1 ("w1ro"): field "title": given twice (again on line 3)`},
		},
		{
			name: "duplicate ID across files",
			files: fstest.MapFS{
				"a.json":     oneLine(t, ok),
				"sub/b.json": oneLine(t, article("w2ro"), with(ok, "title", "Alt titlu")),
			},
			want: []string{`sub/b.json:1: article 2 ("w1ro"): field "id": "w1ro" is already the ID of article 1 in a.json:1`},
		},
		{
			name: "two editions of a group in one language",
			files: fstest.MapFS{"a.json": oneLine(t,
				with(article("w1ro"), "group", "wine"),
				with(article("w1ro2"), "group", "wine"))},
			want: []string{`a.json:1: article 2 ("w1ro2"): field "group": group "wine" already has a "ro" edition, "w1ro" (a.json:1)`},
		},
		{
			name: "editions of a group in different sections",
			files: fstest.MapFS{"a.json": oneLine(t,
				with(article("w1ro"), "group", "wine"),
				with(article("w1ru"), "group", "wine", "lang", "ru", "section", "culture"))},
			want: []string{`a.json:1: article 2 ("w1ru"): field "section": "culture" differs from "economy", the section of "w1ro" (a.json:1), another edition of group "wine"`},
		},
		{
			name: "trailing comma",
			files: fstest.MapFS{"a.json": raw(`[
  {"id": "w1ro"},
]`)},
			want: []string{`a.json:3: invalid JSON: invalid character ']' looking for beginning of value`},
		},
		{
			name:  "newline inside a string",
			files: fstest.MapFS{"a.json": raw("[\n{\"id\": \"w1\nro\"}]")},
			want:  []string{`a.json:2: invalid JSON: invalid character '\n' in string literal`},
		},
		{
			name:  "empty file",
			files: fstest.MapFS{"a.json": raw("")},
			want:  []string{`a.json:1: invalid JSON: unexpected end of JSON input`},
		},
		{
			name:  "text after the array",
			files: fstest.MapFS{"a.json": raw("[]\n]")},
			want:  []string{`a.json:2: invalid JSON: invalid character ']' after top-level value`},
		},
		{
			name:  "an object, not an array",
			files: fstest.MapFS{"a.json": raw("\n" + string(oneLine(t, ok).Data[1:len(oneLine(t, ok).Data)-1]))},
			want:  []string{`a.json:2: want a JSON array of articles, got an object`},
		},
		{
			name:  "an item that is not an object",
			files: fstest.MapFS{"a.json": raw(`[` + string(oneLine(t, ok).Data[1:len(oneLine(t, ok).Data)-1]) + ",\n\"w2ro\"]")},
			want:  []string{`a.json:2: article 2: want a JSON object, got a string`},
		},
		{
			name:  "invalid UTF-8",
			files: fstest.MapFS{"a.json": raw("[\n{\"id\": \"w1ro\", \"title\": \"Vin\xe2 \"}]")},
			want:  []string{`a.json:2: invalid UTF-8 (byte 0xe2); save the file as UTF-8`},
		},
		{
			name: "every problem, not just the first",
			files: fstest.MapFS{
				"a.json": oneLine(t, with(ok, "lang", "RO", "published", nil)),
				"b.json": oneLine(t, with(article("w2ro"), "id", "w 2")),
			},
			want: []string{
				`a.json:1: article 1 ("w1ro"): field "lang": "RO" is not a language code`,
				`a.json:1: article 1 ("w1ro"): field "published": missing`,
				`b.json:1: article 1: field "id": "w 2" is not a valid ID`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			articles, err := LoadDir(tt.files)
			if err == nil {
				t.Fatalf("LoadDir = %d articles, no error; want %q", len(articles), tt.want)
			}
			if articles != nil {
				t.Errorf("LoadDir returned %d articles with an error; want none", len(articles))
			}
			got := problems(err)
			if len(got) != len(tt.want) {
				t.Fatalf("LoadDir reported %d problems, want %d:\n%s", len(got), len(tt.want), err)
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("problem %d:\n got %s\nwant %s", i+1, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestLoadDirLines(t *testing.T) {
	// A file as an editor writes it: each problem points at the line of the
	// field, or of the article when the field is missing.
	files := fstest.MapFS{"wine.json": raw(`[
  {
    "id": "w1ro",
    "lang": "ro",
    "section": "economy",
    "title": "Exporturile de vin au crescut",
    "lead": "Cele mai multe sticle au plecat în România.",
    "body": ["Primul paragraf."],
    "published": "2026-11-24T10:15:00+02:00"
  },
  {
    "id": "w1ru",
    "lang": "ru",
    "section": "economy",
    "title": "Экспорт вина вырос",
    "lead": "",
    "body": ["Первый абзац."],
    "updated": "2026-11-24"
  }
]
`)}
	_, err := LoadDir(files)
	want := []string{
		`wine.json:16: article 2 ("w1ru"): field "lead": blank`,
		`wine.json:11: article 2 ("w1ru"): field "published": missing`,
		`wine.json:18: article 2 ("w1ru"): field "updated": "2026-11-24" is not an RFC 3339 time (such as "2026-11-24T10:15:00+02:00")`,
	}
	if got := problems(err); !slices.Equal(got, want) {
		t.Errorf("LoadDir problems:\n got %q\nwant %q", got, want)
	}
}

func TestLoadDirTestdata(t *testing.T) {
	t.Run("bad", func(t *testing.T) {
		articles, err := LoadDir(os.DirFS("testdata/bad"))
		want := []string{
			`cp1251.json:6: invalid UTF-8 (byte 0xc2); save the file as UTF-8`,
			`many.json:2: article 1 ("w1ro"): field "published": missing`,
			`many.json:11: article 2: field "id": "w1 ru" is not a valid ID (letters, digits, '-', '_', at most 32)`,
			`many.json:18: article 2: field "publshed": unknown field (known: id, lang, section, title, lead, body, author, translator, url, published, updated, tags, group, version, image)`,
			`many.json:13: article 2: field "section": "Economy" is not a valid section (lowercase letters, digits, '-', '_', at most 32)`,
			`many.json:16: article 2: field "body": want an array of strings, got a string`,
			`many.json:17: article 2: field "published": "24.11.2026 10:15" is not an RFC 3339 time (such as "2026-11-24T10:15:00+02:00")`,
			`trailing-comma.json:10: invalid JSON: invalid character '}' looking for beginning of object key string`,
		}
		if got := problems(err); !slices.Equal(got, want) {
			t.Errorf("LoadDir(testdata/bad) problems:\n got %q\nwant %q", got, want)
		}
		if articles != nil {
			t.Errorf("LoadDir(testdata/bad) = %d articles, want none", len(articles))
		}
	})
	t.Run("good", func(t *testing.T) {
		// A byte order mark, a nested folder, a text file and a hidden
		// folder of broken drafts: the two editions load, the rest is skipped.
		articles, err := LoadDir(os.DirFS("testdata/good"))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range articles {
			ids = append(ids, a.ID)
		}
		if want := []string{"kino-ru", "kino-ro"}; !slices.Equal(ids, want) {
			t.Fatalf("IDs = %q, want %q (newest first)", ids, want)
		}
		ro := articles[1]
		if ro.Version != 2 || !ro.Updated.IsZero() || ro.Group != "kino" || ro.Title != "Săptămâna filmului românesc a început la Chișinău" {
			t.Errorf("kino-ro = %+v; want version 2, no update, group kino and its title intact", ro)
		}
		if ru := articles[0]; ru.Version != 1 || ru.Translator != "Ольга Мунтяну" {
			t.Errorf("kino-ru = %+v; want version 1 and its translator", ru)
		}
	})
}

func TestLoadDirDecodes(t *testing.T) {
	a := with(article("w1ro"),
		"group", "wine", "author", " Elena Rusu ", "translator", nil, "url", "https://newsbot.example/ro/vin",
		"updated", "2026-11-24T12:00:00+02:00", "tags", []string{"vin", "export"}, "version", 3)
	b := with(article("w1en"), "lang", "en", "group", "wine", "published", "2026-11-24T11:00:00+02:00",
		"updated", "0001-01-01T00:00:00Z", "author", json.RawMessage("null"))
	c := with(article("old1"), "published", "2026-11-20T08:00:00Z")
	got, err := LoadDir(fstest.MapFS{"x/a.json": oneLine(t, a, b), "c.json": oneLine(t, c), "notes.md": raw("# not JSON")})
	if err != nil {
		t.Fatal(err)
	}
	cet := time.FixedZone("", 2*3600)
	want := []Article{
		{ID: "w1en", Lang: "en", Section: "economy", Title: "Exporturile de vin au crescut cu 7,5%",
			Lead: "Cele mai multe sticle au plecat în România și Polonia.", Body: []string{"Primul paragraf.", "Al doilea paragraf."},
			Published: time.Date(2026, 11, 24, 11, 0, 0, 0, cet), Group: "wine", Version: 1},
		{ID: "w1ro", Lang: "ro", Section: "economy", Title: "Exporturile de vin au crescut cu 7,5%",
			Lead: "Cele mai multe sticle au plecat în România și Polonia.", Body: []string{"Primul paragraf.", "Al doilea paragraf."},
			Author: "Elena Rusu", URL: "https://newsbot.example/ro/vin", Published: time.Date(2026, 11, 24, 10, 15, 0, 0, cet),
			Updated: time.Date(2026, 11, 24, 12, 0, 0, 0, cet), Tags: []string{"vin", "export"}, Group: "wine", Version: 3},
		{ID: "old1", Lang: "ro", Section: "economy", Title: "Exporturile de vin au crescut cu 7,5%",
			Lead: "Cele mai multe sticle au plecat în România și Polonia.", Body: []string{"Primul paragraf.", "Al doilea paragraf."},
			Published: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC), Version: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("LoadDir = %d articles, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameArticle(got[i], want[i]) {
			t.Errorf("article %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
		}
	}
}

func TestLoadDirEmpty(t *testing.T) {
	for name, fsys := range map[string]fs.FS{
		"no files":    fstest.MapFS{},
		"no JSON":     fstest.MapFS{"README.md": raw("# sample")},
		"empty array": fstest.MapFS{"a.json": raw(" [ ] \n")},
	} {
		t.Run(name, func(t *testing.T) {
			articles, err := LoadDir(fsys)
			if err != nil || len(articles) != 0 {
				t.Errorf("LoadDir = %d articles, %v; want none and no error", len(articles), err)
			}
		})
	}
}

func TestLoadDirUnreadable(t *testing.T) {
	_, err := LoadDir(fstest.MapFS{"a.json": &fstest.MapFile{Mode: fs.ModeDir}, "a.json/b.json": raw("[")})
	if err == nil || !strings.Contains(err.Error(), "a.json/b.json:1: invalid JSON") {
		t.Errorf("LoadDir = %v; want the broken file inside the folder named a.json", err)
	}
	_, err = LoadDir(errFS{})
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("LoadDir(unreadable) = %v, want fs.ErrPermission", err)
	}
}

// errFS is a file system that cannot be read.
type errFS struct{}

func (errFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}

// sameArticle compares articles field by field, times by instant.
func sameArticle(a, b Article) bool {
	return a.ID == b.ID && a.Version == b.Version && a.Updated.Equal(b.Updated) && a.SameContent(b)
}

func FuzzLoadDir(f *testing.F) {
	for _, dir := range []string{"sample", "testdata/bad", "testdata/good", "testdata/good/nested"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if data, err := os.ReadFile(dir + "/" + e.Name()); err == nil && !e.IsDir() {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(`[{"id":"a","lang":"ro","section":"s","title":"t","lead":"l","body":["p"],"published":"2026-11-24T10:15:00+02:00","version":1e400}]`))
	f.Add([]byte(`[{"id":"a","id":"b"},[],null,1]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		articles, err := LoadDir(fstest.MapFS{"f.json": {Data: data}})
		if err != nil {
			if articles != nil {
				t.Fatalf("LoadDir returned %d articles with error %v", len(articles), err)
			}
			for _, p := range problems(err) {
				if !strings.HasPrefix(p, "f.json:") {
					t.Fatalf("problem %q does not name the file and line", p)
				}
			}
			return
		}
		for _, a := range articles {
			if !ValidID(a.ID) || a.Version < 1 || a.Published.IsZero() || len(a.Body) == 0 {
				t.Fatalf("LoadDir accepted an invalid article: %+v", a)
			}
		}
		// What LoadDir accepts, written back as JSON, loads to the same.
		if articles == nil {
			articles = []Article{} // "[]" loads as no articles; write it back as "[]", not "null"
		}
		again, err := json.Marshal(articles)
		if err != nil {
			t.Fatal(err)
		}
		reloaded, err := LoadDir(fstest.MapFS{"f.json": {Data: again}})
		if err != nil {
			t.Fatalf("reloading %s: %v", again, err)
		}
		if len(reloaded) != len(articles) {
			t.Fatalf("reloaded %d articles, want %d", len(reloaded), len(articles))
		}
		for i := range articles {
			if !sameArticle(reloaded[i], articles[i]) {
				t.Fatalf("article %d changed on reload:\n got %+v\nwant %+v", i+1, reloaded[i], articles[i])
			}
		}
	})
}

func BenchmarkLoadDirSample(b *testing.B) {
	var n int
	for b.Loop() {
		articles, err := LoadDir(sampleFiles)
		if err != nil {
			b.Fatal(err)
		}
		n = len(articles)
	}
	perLoad := b.Elapsed() / time.Duration(b.N)
	const target = 20 * time.Millisecond // the sample loads once at start-up
	b.ReportMetric(float64(n), "articles")
	b.Logf("LoadDir(sample): %d articles in %v per load; target < %v (ratio %.3f)", n, perLoad, target, float64(perLoad)/float64(target))
}

// TestLoadImage: an article's lead image is optional; a given one needs an
// absolute http(s) URL, and a bad one is reported with its article.
func TestLoadImage(t *testing.T) {
	good := with(article("w1ro"), "image", map[string]any{"url": "https://newsbot.example/img/wine.jpg", "alt": "Vinificator în Cricova ", "width": 1200, "height": 675})
	arts, err := LoadDir(fstest.MapFS{"a.json": oneLine(t, good, article("w1ru"))})
	if err != nil {
		t.Fatal(err)
	}
	want := Image{URL: "https://newsbot.example/img/wine.jpg", Alt: "Vinificator în Cricova", Width: 1200, Height: 675}
	if arts[0].Image != want || arts[1].Image != (Image{}) {
		t.Errorf("images = %+v, %+v; want %+v and none", arts[0].Image, arts[1].Image, want)
	}
	for name, img := range map[string]any{
		"relative":      map[string]any{"url": "/img/wine.jpg"},
		"javascript":    map[string]any{"url": "javascript:alert(1)"},
		"no url":        map[string]any{"alt": "x"},
		"not an object": "https://newsbot.example/img/wine.jpg",
		"negative":      map[string]any{"url": "https://a.example/x.png", "width": -1},
		"unknown field": map[string]any{"url": "https://a.example/x.png", "src": "y"},
		"space in url":  map[string]any{"url": "https://a.example/x y.png"},
	} {
		_, err := LoadDir(fstest.MapFS{"a.json": oneLine(t, with(article("w1ro"), "image", img))})
		if err == nil || !strings.Contains(err.Error(), `field "image"`) {
			t.Errorf("%s: err = %v; want an image error", name, err)
		}
	}
}
